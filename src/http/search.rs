//! Search: dogapi's `search` (`GET /api/v1/search?q=`).

use super::answer::Pick;
use super::client::{ApiRequest, Client};
use super::response::Outcome;
use crate::error::Error;

impl Client {
    /// GET /search?q=. The facet is part of the query text (`hosts:foo`, `metrics:bar`, or
    /// un-faceted). Result: the `results` object (facet → list of names).
    pub fn search(&self, query: &str) -> Outcome {
        if query.is_empty() {
            return Outcome::failed(Error::invalid("search query is empty"));
        }
        self.call(ApiRequest::new("GET", "search").query("q", query).result(Pick::at(&["results"])))
    }
}
