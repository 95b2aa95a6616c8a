#![deny(unsafe_code)]

use std::process::ExitCode;

fn main() -> ExitCode {
    match vestnik::cli::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("vestnik: {err:#}");
            ExitCode::from(vestnik::cli::exit_code(&err))
        }
    }
}
