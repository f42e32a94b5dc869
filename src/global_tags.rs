//! Global tags: the tags added to everything a process sends, from Datadog's unified service
//! tagging environment (`DD_ENV`, `DD_SERVICE`, `DD_VERSION` as `env:`, `service:`, `version:`,
//! and `DD_TAGS`) plus an explicit option (`dog_stats_options_set_global_tags`,
//! `dog_http_set_global_tags`). Shared by the stats aggregator (added to a context when it is
//! created, never per recording call) and the HTTP client (added to events and service checks).
//!
//! Rules (decided here, once, for both users):
//! - every tag goes through Datadog's tag rules (`crate::metric_rules::tag`): normalised, empty
//!   ones dropped; a tag over 200 characters is refused by the option setters
//!   (`DOG_ERR_INVALID_ARGUMENT`) and dropped with a `DOG_LOG_WARN` line when it comes from the
//!   environment (a bad variable must not stop a program from starting);
//! - `DD_TAGS` is split on commas and whitespace (`"a:1,b:2"`, `"a:1 b:2"`); the option on
//!   commas only, like every tag list that crosses the ABI;
//! - the list is sorted and holds each tag once; merged with a call's tags, a global tag the call
//!   already carries is not added again (exact match: `env:staging` on the call and `DD_ENV=prod`
//!   give both tags, as the Datadog Agent would).

use crate::error::Error;
use crate::log::{self, Level};
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Arc;

/// A sorted list of distinct, normalised tags, cheap to clone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GlobalTags(Arc<[String]>);

/// The unified service tagging variables and the tag key each becomes.
const SERVICE_VARS: [(&str, &str); 3] = [("DD_ENV", "env"), ("DD_SERVICE", "service"), ("DD_VERSION", "version")];

impl GlobalTags {
    /// Sorted and deduplicated from already normalised tags.
    pub fn from_tags(mut tags: Vec<String>) -> GlobalTags {
        tags.sort_unstable();
        tags.dedup();
        GlobalTags(tags.into())
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The union of two lists (each tag once, sorted).
    pub fn union(&self, other: &GlobalTags) -> GlobalTags {
        if other.is_empty() {
            return self.clone();
        }
        if self.is_empty() {
            return other.clone();
        }
        GlobalTags::from_tags(self.0.iter().chain(other.0.iter()).cloned().collect())
    }

    /// The explicit option: a comma-separated list (`None` or `""`: none), each tag normalised;
    /// `InvalidArgument` for a tag Datadog would refuse.
    pub fn parse_option(list: Option<&str>) -> Result<GlobalTags, Error> {
        Ok(GlobalTags::from_tags(crate::metric_rules::tags(list)?))
    }

    /// The tags of the process environment (`DD_ENV`, `DD_SERVICE`, `DD_VERSION`, `DD_TAGS`).
    pub fn from_env() -> GlobalTags {
        GlobalTags::from_vars(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with the variables read through `var` (tests).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> GlobalTags {
        let mut raw: Vec<(String, &str)> = Vec::new();
        for (name, key) in SERVICE_VARS {
            if let Some(v) = var(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) {
                raw.push((format!("{key}:{v}"), name));
            }
        }
        if let Some(v) = var("DD_TAGS") {
            for t in v.split(|c: char| c == ',' || c.is_whitespace()).filter(|t| !t.is_empty()) {
                raw.push((t.to_string(), "DD_TAGS"));
            }
        }
        let mut out = Vec::with_capacity(raw.len());
        for (t, from) in raw {
            match crate::metric_rules::tag(&t) {
                Ok(Some(n)) => out.push(n.into_owned()),
                Ok(None) => {}
                Err(e) => {
                    if log::enabled(Level::Warn) {
                        log::emit(Level::Warn, &format!("{from}: tag ignored: {}", e.message));
                    }
                }
            }
        }
        GlobalTags::from_tags(out)
    }

    /// Whether `tag` is one of these (binary search).
    #[inline]
    pub fn contains(&self, tag: &str) -> bool {
        self.0.binary_search_by(|g| g.as_str().cmp(tag)).is_ok()
    }

    /// The tags a context sends: `call` (the call's tags, sorted, duplicates kept as in a
    /// context's identity) with these added, sorted, comma-joined; a global tag `call` already
    /// holds is not added again.
    pub fn merge_sorted(&self, call: &[&str]) -> String {
        if self.is_empty() {
            return call.join(",");
        }
        let mut all: Vec<&str> = Vec::with_capacity(call.len() + self.0.len());
        all.extend_from_slice(call);
        all.extend(self.0.iter().map(String::as_str).filter(|g| call.binary_search(g).is_err()));
        all.sort_unstable();
        all.join(",")
    }

    /// Appends to `tags` (a request's tag list, in the caller's order) every global tag it does
    /// not hold yet.
    pub fn append_missing(&self, tags: &mut Vec<String>) {
        for g in self.0.iter() {
            if !tags.iter().any(|t| t == g) {
                tags.push(g.clone());
            }
        }
    }

    /// The same on the `"tags"` member of a JSON request object (created when absent; left
    /// alone when it is not an array).
    pub fn add_to_json(&self, obj: &mut serde_json::Map<String, serde_json::Value>) {
        if self.is_empty() {
            return;
        }
        let entry = obj.entry("tags").or_insert_with(|| serde_json::Value::Array(Vec::new()));
        if let serde_json::Value::Array(list) = entry {
            for g in self.0.iter() {
                if !list.iter().any(|t| t.as_str() == Some(g)) {
                    list.push(serde_json::Value::String(g.clone()));
                }
            }
        }
    }
}

/// The global tags of a stats instance, read without a lock on the path that creates contexts
/// (an acquire load: no shared write, so recording threads do not contend on it) and replaced
/// at start. A replaced list stays allocated until the slot is dropped (one per start with
/// different tags), so a reader never holds a dangling reference. No lock at all, so nothing to
/// take or reset around fork().
pub struct Slot {
    /// The newest node of a push-only list (each node points to the one it replaced).
    head: AtomicPtr<Node>,
}

struct Node {
    tags: GlobalTags,
    prev: *mut Node,
}

// SAFETY: the nodes are owned by the slot, immutable once published, and freed only by its Drop.
unsafe impl Send for Slot {}
// SAFETY: as above; `GlobalTags` is Send + Sync.
unsafe impl Sync for Slot {}

impl Default for Slot {
    fn default() -> Slot {
        let first = Box::new(Node { tags: GlobalTags::default(), prev: std::ptr::null_mut() });
        Slot { head: AtomicPtr::new(Box::into_raw(first)) }
    }
}

impl Slot {
    #[inline]
    pub fn get(&self) -> &GlobalTags {
        // SAFETY: `head` always points to a live node, freed only when the slot is dropped.
        unsafe { &(*self.head.load(Ordering::Acquire)).tags }
    }

    /// Replaces the list; `true` when it changed.
    pub fn set(&self, tags: GlobalTags) -> bool {
        let node = Box::into_raw(Box::new(Node { tags, prev: std::ptr::null_mut() }));
        let mut cur = self.head.load(Ordering::Acquire);
        loop {
            // SAFETY: `cur` is a live node of the slot; `node` is ours until published.
            unsafe {
                if (*cur).tags == (*node).tags {
                    drop(Box::from_raw(node));
                    return false;
                }
                (*node).prev = cur;
            }
            match self.head.compare_exchange_weak(cur, node, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return true,
                Err(now) => cur = now,
            }
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut p = *self.head.get_mut();
        while !p.is_null() {
            // SAFETY: every node was made by Box::into_raw and is reachable once, from here.
            let n = unsafe { Box::from_raw(p) };
            p = n.prev;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> GlobalTags {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        GlobalTags::from_vars(|n| vars.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()))
    }

    #[test]
    fn environment_variables_become_sorted_distinct_tags() {
        let g = env(&[
            ("DD_ENV", "prod"),
            ("DD_SERVICE", " web "),
            ("DD_VERSION", "1.2.3"),
            ("DD_TAGS", "team:a, zone:x  team:a,,role:db"),
        ]);
        assert_eq!(g.as_slice(), ["env:prod", "role:db", "service:web", "team:a", "version:1.2.3", "zone:x"]);
        assert!(env(&[("DD_ENV", "  "), ("DD_TAGS", " , ")]).is_empty());
        // Normalised like every tag; a tag Datadog refuses is dropped, not fatal.
        let long = "t".repeat(201);
        assert_eq!(env(&[("DD_SERVICE", "my app"), ("DD_TAGS", &long)]).as_slice(), ["service:my_app"]);
    }

    #[test]
    fn the_option_is_comma_separated_and_refuses_bad_tags() {
        assert_eq!(GlobalTags::parse_option(Some("b:2, a:1,b:2")).unwrap().as_slice(), ["a:1", "b:2"]);
        assert!(GlobalTags::parse_option(None).unwrap().is_empty());
        assert!(GlobalTags::parse_option(Some("")).unwrap().is_empty());
        assert!(GlobalTags::parse_option(Some(&"x".repeat(201))).is_err());
    }

    #[test]
    fn merging_adds_each_missing_tag_once_and_keeps_order_sorted() {
        let g = GlobalTags::from_tags(vec!["env:prod".into(), "service:web".into()]);
        assert_eq!(g.merge_sorted(&[]), "env:prod,service:web");
        assert_eq!(g.merge_sorted(&["a", "env:prod", "z"]), "a,env:prod,service:web,z");
        assert_eq!(g.merge_sorted(&["env:prod", "service:web"]), "env:prod,service:web");
        assert_eq!(g.merge_sorted(&["a", "a"]), "a,a,env:prod,service:web");
        assert_eq!(GlobalTags::default().merge_sorted(&["b", "c"]), "b,c");

        let mut v = vec!["x".to_string(), "service:web".to_string()];
        g.append_missing(&mut v);
        assert_eq!(v, ["x", "service:web", "env:prod"]);

        let mut o = serde_json::Map::new();
        g.add_to_json(&mut o);
        assert_eq!(o["tags"], serde_json::json!(["env:prod", "service:web"]));
        let mut o = serde_json::json!({"tags": ["env:prod", "k"]}).as_object().unwrap().clone();
        g.add_to_json(&mut o);
        assert_eq!(o["tags"], serde_json::json!(["env:prod", "k", "service:web"]));

        let u = g.union(&GlobalTags::from_tags(vec!["a".into(), "env:prod".into()]));
        assert_eq!(u.as_slice(), ["a", "env:prod", "service:web"]);
        assert!(u.contains("a") && u.contains("service:web") && !u.contains("b"));
    }

    #[test]
    fn the_slot_keeps_every_list_it_handed_out() {
        let slot = Slot::default();
        assert!(slot.get().is_empty());
        let first = slot.get() as *const GlobalTags;
        assert!(slot.set(GlobalTags::from_tags(vec!["a".into()])));
        assert!(!slot.set(GlobalTags::from_tags(vec!["a".into()])));
        assert_eq!(slot.get().as_slice(), ["a"]);
        // SAFETY: the old list is still owned by the slot.
        assert!(unsafe { &*first }.is_empty());
        assert!(slot.set(GlobalTags::default()));
        assert!(slot.get().is_empty());
    }
}
