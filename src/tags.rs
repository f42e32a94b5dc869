//! Tags cross the C ABI as one comma-separated string (`"env:prod,role:db"`).

/// Splits a comma-separated tag string: whitespace around each tag is trimmed and empty
/// entries dropped, so `None`, `""` and `" , "` all mean "no tags".
pub fn split(tags: Option<&str>) -> Vec<String> {
    tags.map(|s| s.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

/// The same list joined back with `,` (for query parameters), or `None` when empty.
pub fn joined(tags: Option<&str>) -> Option<String> {
    let v = split(tags);
    (!v.is_empty()).then(|| v.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting() {
        assert_eq!(split(Some("env:prod, role:db,,")), vec!["env:prod", "role:db"]);
        assert!(split(None).is_empty());
        assert!(split(Some(" , ")).is_empty());
        assert_eq!(joined(Some(" a , b ")), Some("a,b".to_string()));
        assert_eq!(joined(Some("")), None);
    }
}
