//! Argument checks shared by the API resource files (monitors, downtimes, hosts, users): each
//! turns a C-side convention (0 / NULL / `""` = absent, ids > 0, POSIX times >= 0) into a
//! value or an `Error::invalid` before anything is sent.

use crate::error::Error;

/// A positive object id for a path (`what` names it in the error).
pub(crate) fn positive_id(id: i64, what: &str) -> Result<i64, Error> {
    if id > 0 {
        Ok(id)
    } else {
        Err(Error::invalid(format!("{what} must be a positive id, got {id}")))
    }
}

/// NULL and `""` are both "absent" (dogapi sends these fields only when truthy).
pub(crate) fn truthy(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

/// A POSIX time that may be 0 ("absent") but not negative (`what` names it in the error).
pub(crate) fn non_negative(t: i64, what: &str) -> Result<(), Error> {
    if t < 0 {
        Err(Error::invalid(format!("{what} must be a POSIX time >= 0, got {t}")))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks() {
        assert_eq!(positive_id(7, "monitor_id").unwrap(), 7);
        assert!(positive_id(0, "monitor_id")
            .unwrap_err()
            .to_string()
            .contains("monitor_id must be a positive id, got 0"));
        assert!(positive_id(-3, "x").is_err());
        assert_eq!(truthy(None), None);
        assert_eq!(truthy(Some("")), None);
        assert_eq!(truthy(Some("a")), Some("a"));
        assert!(non_negative(0, "end").is_ok());
        assert!(non_negative(-1, "end").unwrap_err().to_string().contains("end must be a POSIX time >= 0"));
    }
}
