//! The archive's entities on the engine path: the registry rebuilt from the export's
//! `entities.json` (every name with its article count, and the alias table the index was
//! written with), so that a name typed against the engine resolves to exactly the entities it
//! resolves to locally, and the attribute numbers the shards hold, to ask and name them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::bail;

use crate::entities::{Aliases, EntityType};
use crate::export::sphinx::{ENTITIES_FORMAT, EntitiesFile};
use crate::identity::{NameCount, Registry};
use crate::search::EntityRef;

/// Entities by attribute number, and names resolved to numbers.
pub struct EngineRegistry {
    registry: Registry,
    aliases: Aliases,
    /// Per kind: entity id → attribute number.
    numbers: [HashMap<String, u32>; 3],
    /// Per kind: attribute number - 1 → the entity as filters and facets name it.
    entities: [Vec<EntityRef>; 3],
    /// Per kind, by attribute number - 1: every name the index holds for the entity.
    variants: [Vec<Vec<String>>; 3],
}

/// What one typed name resolved to: entities with their attribute numbers.
#[derive(Debug, Default)]
pub struct Resolved {
    /// Each entity with the number the engine's attribute holds for it.
    pub entities: Vec<(u32, EntityRef)>,
    /// Places an article must also name (see `Registry::resolve_within`).
    pub within: Vec<(u32, EntityRef)>,
    /// When it resolved to nothing because it is shared: some entities it could mean.
    pub ambiguous: Vec<EntityRef>,
}

impl EngineRegistry {
    /// Reads `DIR/entities.json`, as `vestnik export` wrote it.
    pub fn open(dir: &Path) -> anyhow::Result<EngineRegistry> {
        let path: PathBuf = dir.join("entities.json");
        let file: EntitiesFile = super::read_export_file(
            dir,
            "entities.json",
            "--engine-dir names the folder `vestnik export` wrote",
            ENTITIES_FORMAT,
            |f: &EntitiesFile| f.format,
        )?;
        let mut aliases = Aliases::shipped();
        aliases
            .add(&file.aliases)
            .map_err(|e| anyhow::anyhow!("the alias table in {}: {e}", path.display()))?;
        let names = EntityType::ALL.map(|kind| {
            file.names[kind]
                .iter()
                .map(|(name, docs)| NameCount {
                    name: name.clone(),
                    docs: *docs,
                })
                .collect()
        });
        let registry = Registry::build(names, &aliases);
        let mut numbers: [HashMap<String, u32>; 3] = Default::default();
        let mut entities: [Vec<EntityRef>; 3] = Default::default();
        let mut variants: [Vec<Vec<String>>; 3] = Default::default();
        for kind in EntityType::ALL {
            for (i, e) in file.of(kind).iter().enumerate() {
                if e.number as usize != i + 1 {
                    bail!("{}: entity numbers out of order", path.display());
                }
                numbers[kind as usize].insert(e.id.clone(), e.number);
                entities[kind as usize].push(EntityRef {
                    id: e.id.clone(),
                    name: e.name.clone(),
                });
                variants[kind as usize].push(e.variants.clone());
            }
            if registry.entities(kind).len() != file.of(kind).len() {
                bail!(
                    "{}: its names do not rebuild its entities with this vestnik; export again",
                    path.display()
                );
            }
        }
        Ok(EngineRegistry {
            registry,
            aliases,
            numbers,
            entities,
            variants,
        })
    }

    /// The attribute number of an entity id.
    pub fn number_of(&self, kind: EntityType, id: &str) -> Option<u32> {
        self.numbers[kind as usize].get(id).copied()
    }

    /// Every name the index holds for an entity, the canonical one first.
    pub fn variants(&self, kind: EntityType, number: u32) -> &[String] {
        (number as usize)
            .checked_sub(1)
            .and_then(|i| self.variants[kind as usize].get(i))
            .map_or(&[], Vec::as_slice)
    }

    /// The entity an attribute value stands for.
    pub fn entity(&self, kind: EntityType, number: u32) -> Option<&EntityRef> {
        self.entities[kind as usize].get((number as usize).checked_sub(1)?)
    }

    /// The entity a name the index holds belongs to, as the local archive names it.
    pub fn entity_named(&self, kind: EntityType, name: &str) -> Option<&crate::identity::Entity> {
        let i = self.registry.entity_of(kind, name)?;
        self.registry.entity(kind, i)
    }

    /// How many entities of a kind there are (the most values its facet can have).
    pub fn count(&self, kind: EntityType) -> usize {
        self.entities[kind as usize].len()
    }

    /// Resolves a typed name as the local index does.
    pub fn resolve(&self, kind: EntityType, typed: &str) -> Resolved {
        let found = self.registry.resolve_within(kind, typed, &self.aliases);
        let numbered = |kind: EntityType, list: &[u32]| -> Vec<(u32, EntityRef)> {
            list.iter()
                .filter_map(|&i| self.registry.entity(kind, i))
                .filter_map(|e| {
                    let n = *self.numbers[kind as usize].get(&e.id)?;
                    Some((n, self.entity(kind, n)?.clone()))
                })
                .collect()
        };
        let entities = numbered(kind, &found.entities);
        let ambiguous = if entities.is_empty() {
            numbered(kind, &self.registry.namesakes(kind, typed))
                .into_iter()
                .map(|(_, e)| e)
                .collect()
        } else {
            Vec::new()
        };
        Resolved {
            entities,
            within: numbered(EntityType::Loc, &found.within),
            ambiguous,
        }
    }
}
