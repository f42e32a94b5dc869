//! Screenboards: dogapi's `create_screenboard`, `get_screenboard`, `get_all_screenboards`,
//! `update_screenboard`, `delete_screenboard`, `share_screenboard` on `/screen`.
//!
//! `/screen` is gone from today's API description (replaced by `/api/v1/dashboard` with
//! `layout_type: free`); these calls still send dogapi 1.11.1's requests.

use super::answer::Pick;
use super::client::{ApiRequest, Client};
use super::response::Outcome;
use crate::error::Error;
use serde_json::Value;

/// A screenboard description: a JSON object (`{"board_title": ..., "widgets": [...]}`).
pub fn parse_description(text: &str) -> Result<Value, Error> {
    super::events::parse_object("description_json", text).map(Value::Object)
}

const BOARD_ID: Pick = Pick::at(&["id"]);

impl Client {
    /// POST /screen with the description as the body (dogapi `create_screenboard`).
    /// Result: the answer (raw); id: the board's `id`.
    pub fn screenboard_create(&self, description_json: &str) -> Outcome {
        match parse_description(description_json) {
            Ok(body) => self.call(ApiRequest::new("POST", "screen").json(body).id(BOARD_ID)),
            Err(e) => Outcome::failed(e),
        }
    }

    /// GET /screen/{board_id} (dogapi `get_screenboard`). Result: the answer (raw).
    pub fn screenboard_get(&self, board_id_: i64) -> Outcome {
        self.call(ApiRequest::new("GET", format!("screen/{board_id_}")).id(BOARD_ID))
    }

    /// GET /screen (dogapi `get_all_screenboards`). Result: the `screenboards` list.
    pub fn screenboard_get_all(&self) -> Outcome {
        self.call(ApiRequest::new("GET", "screen").result(Pick::at(&["screenboards"])))
    }

    /// PUT /screen/{board_id} with the description (dogapi `update_screenboard`). Result: the
    /// answer (raw); id: the board's `id`.
    pub fn screenboard_update(&self, board_id_: i64, description_json: &str) -> Outcome {
        match parse_description(description_json) {
            Ok(body) => self.call(ApiRequest::new("PUT", format!("screen/{board_id_}")).json(body).id(BOARD_ID)),
            Err(e) => Outcome::failed(e),
        }
    }

    /// DELETE /screen/{board_id} (dogapi `delete_screenboard`). Result: the answer (raw,
    /// `{"id": ...}`).
    pub fn screenboard_delete(&self, board_id: i64) -> Outcome {
        self.call(ApiRequest::new("DELETE", format!("screen/{board_id}")))
    }

    /// GET /screen/share/{board_id} (dogapi `share_screenboard`; dogapi uses GET where its
    /// successor uses POST). Result: the answer (raw, `{"board_id","public_url"}`).
    pub fn screenboard_share(&self, board_id: i64) -> Outcome {
        self.call(ApiRequest::new("GET", format!("screen/share/{board_id}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_must_be_an_object() {
        assert!(parse_description(r#"{"board_title":"b","widgets":[]}"#).is_ok());
        assert!(parse_description("[]").is_err());
        assert!(parse_description("{").is_err());
    }
}
