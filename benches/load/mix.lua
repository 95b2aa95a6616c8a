-- wrk script: each request takes the next path of a mix of what the page asks for (a search
-- with its facets and timeline, an excluded source's check, an entity profile's four calls).
local paths = {
  "/api/search?q=%D0%BF%D1%80%D0%B0%D0%B2%D0%B8%D1%82%D0%B5%D0%BB%D1%8C%D1%81%D1%82%D0%B2%D0%BE",
  "/api/search?q=%D0%BF%D1%80%D0%B5%D0%B7%D0%B8%D0%B4%D0%B5%D0%BD%D1%82+%D0%B2%D1%8B%D0%B1%D0%BE%D1%80%D1%8B&facet=source,date",
  "/api/search?q=%22%D0%BC%D0%B8%D0%BD%D0%B8%D1%81%D1%82%D0%B5%D1%80%D1%81%D1%82%D0%B2%D0%BE+%D0%B8%D0%BD%D0%BE%D1%81%D1%82%D1%80%D0%B0%D0%BD%D0%BD%D1%8B%D1%85+%D0%B4%D0%B5%D0%BB%22",
  "/api/search?person=%D0%9F%D1%83%D1%82%D0%B8%D0%BD&facet=source,date",
  "/api/search?org=%D0%9D%D0%90%D0%A2%D0%9E&sort=date&facet=none",
  "/api/search?q=%D0%B2%D1%8B%D0%B1%D0%BE%D1%80%D1%8B&from=2015-01-01&to=2016-12-31&facet=source,date",
  "/api/timeline?q=%D0%B2%D1%8B%D0%B1%D0%BE%D1%80%D1%8B&by=year",
  "/api/related?org=%D0%9D%D0%90%D0%A2%D0%9E&q=%D1%81%D0%B0%D0%BC%D0%BC%D0%B8%D1%82",
  "/api/search?q=%D1%88%D0%BA%D0%BE%D0%BB%D1%8B+%D0%B4%D0%B5%D1%82%D0%B5%D0%B9&offset=10",
  "/api/search?q=%D0%B2%D1%8B%D0%B1%D0%BE%D1%80%D1%8B&limit=10&offset=0&sort=relevance&group=true&facet=source,person,org,loc&facet_size=30&count=articles",
  "/api/timeline?q=%D0%B2%D1%8B%D0%B1%D0%BE%D1%80%D1%8B&by=month",
  "/api/facets?source=Nowhere.kz&facet=none",
  "/api/related?person=%D0%9F%D1%83%D1%82%D0%B8%D0%BD&limit=10",
  "/api/timeline?person=%D0%9F%D1%83%D1%82%D0%B8%D0%BD&by=month",
  "/api/facets?person=%D0%9F%D1%83%D1%82%D0%B8%D0%BD&facet=source&facet_size=10",
  "/api/entities?person=%D0%9F%D1%83%D1%82%D0%B8%D0%BD&type=person&limit=5",
  "/",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
