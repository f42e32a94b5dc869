//! Context identity without allocation: the tags of a call are split into borrowed slices on
//! the stack, sorted, and hashed together with the name, the host and the metric kind.
//!
//! `tags = NULL` and `""` are the same context (no tags); whitespace around a tag is trimmed and
//! empty entries dropped (as `crate::tags::split`); order does not matter, duplicates do.

use crate::global_tags::GlobalTags;
use std::hash::{BuildHasher, Hasher as _};

/// Tags kept on the stack; a call with more spills into one heap vector (rare). Kept small:
/// the array is initialised on every call.
const STACK_TAGS: usize = 16;

/// The tags of one call, sorted, borrowed from the caller's string.
pub struct SortedTags<'a> {
    stack: [&'a str; STACK_TAGS],
    n: usize,
    heap: Vec<&'a str>,
    /// The global tags a context stores with these ([`without`](Self::without)).
    global: Option<&'a GlobalTags>,
}

impl<'a> SortedTags<'a> {
    pub fn parse(tags: Option<&'a str>) -> SortedTags<'a> {
        let mut t = SortedTags { stack: [""; STACK_TAGS], n: 0, heap: Vec::new(), global: None };
        if let Some(s) = tags {
            for tag in s.split(',') {
                let tag = tag.trim();
                if tag.is_empty() {
                    continue;
                }
                if t.n < STACK_TAGS {
                    t.stack[t.n] = tag;
                    t.n += 1;
                } else {
                    if t.heap.is_empty() {
                        t.heap.extend_from_slice(&t.stack);
                    }
                    t.heap.push(tag);
                }
            }
        }
        if t.heap.is_empty() {
            t.stack[..t.n].sort_unstable();
        } else {
            t.heap.sort_unstable();
        }
        t
    }

    /// These tags without the global ones, which the form stored in a context ([`joined`](Self::joined),
    /// [`matches`](Self::matches)) adds back: the identity (hash) never holds a global tag, the
    /// stored tags hold each once (see `crate::global_tags`).
    pub fn without(mut self, global: &'a GlobalTags) -> SortedTags<'a> {
        if global.is_empty() {
            return self;
        }
        self.global = Some(global);
        if self.heap.is_empty() {
            let mut n = 0;
            for i in 0..self.n {
                if !global.contains(self.stack[i]) {
                    self.stack[n] = self.stack[i];
                    n += 1;
                }
            }
            self.n = n;
        } else {
            self.heap.retain(|t| !global.contains(t));
            if self.heap.is_empty() {
                self.n = 0;
            }
        }
        self
    }

    pub fn as_slice(&self) -> &[&'a str] {
        if self.heap.is_empty() {
            &self.stack[..self.n]
        } else {
            &self.heap
        }
    }

    /// The canonical form stored in a context: sorted (the global tags included), joined with `,`.
    pub fn joined(&self) -> String {
        match self.global {
            Some(g) => g.merge_sorted(self.as_slice()),
            None => self.as_slice().join(","),
        }
    }

    /// True when `stored` (a [`joined`](Self::joined) string) holds exactly these tags.
    pub fn matches(&self, stored: &str) -> bool {
        if let Some(g) = self.global {
            return self.matches_merged(g, stored);
        }
        let tags = self.as_slice();
        if stored.is_empty() {
            return tags.is_empty();
        }
        let mut parts = stored.split(',');
        for t in tags {
            match parts.next() {
                Some(p) if p == *t => {}
                _ => return false,
            }
        }
        parts.next().is_none()
    }

    /// [`matches`](Self::matches) with the global tags merged in (sorted, as
    /// `GlobalTags::merge_sorted` writes them; these tags hold none of them).
    fn matches_merged(&self, global: &GlobalTags, stored: &str) -> bool {
        let mut parts = stored.split(',');
        let mut a = self.as_slice().iter().copied().peekable();
        let mut b = global.as_slice().iter().map(String::as_str).peekable();
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x <= y => a.next(),
                (_, Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, None) => return parts.next().is_none(),
            };
            if parts.next() != next {
                return false;
            }
        }
    }
}

/// What a context aggregates. Part of the identity: the same name used as a counter and as a
/// gauge gives two contexts (two series).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Counter = 1,
    Gauge = 2,
    Histogram = 3,
    /// Every value kept and sent (`/api/v1/distribution_points`, DogStatsD `|d`); a
    /// distribution and a histogram of the same name and tags are two contexts.
    Distribution = 4,
}

/// The hasher of context keys (here) and of the per-thread cache's raw keys (`cache.rs`):
/// foldhash's fast hasher with a fixed seed.
///
/// It replaced a hand-written FxHash-style hasher (8-byte words, murmur3 fmix64 finaliser)
/// because that one did not beat it on our keys. Measured with a release build hashing the
/// benchmark's keys (20-byte names, tags "env:prod,role:db"; 20 M hashes, best of 5; 3 runs on
/// the shared 2-core machine at load ~8, so ranges):
/// - raw key (name + tag bytes, cache.rs): own 7.7-10.7 ns, foldhash::fast 6.8-8.1 ns,
///   ahash 0.8 (no aes) 7.1-8.1 ns;
/// - context hash (name + each sorted tag, key.rs): own 11.8-12.9 ns, foldhash::fast 7.1-10.4 ns,
///   foldhash::quality 10.5-11.2 ns, ahash 14.0-14.6 ns.
#[inline]
pub(super) fn hasher() -> foldhash::fast::FoldHasher<'static> {
    const SEED: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0x5ca1_ab1e_d06a_1b1e);
    SEED.build_hasher()
}

/// The hash of a context: kind, name, sorted tags, host (`None` differs from `Some("")`).
#[inline]
pub fn context_hash(kind: Kind, name: &str, tags: &SortedTags<'_>, host: Option<&str>) -> u64 {
    let mut h = hasher();
    let t = tags.as_slice();
    h.write_u64(kind as u64 | (t.len() as u64) << 8);
    h.write(name.as_bytes());
    for tag in t {
        // Lengths separate "ab","c" from "a","bc".
        h.write_u64(tag.len() as u64);
        h.write(tag.as_bytes());
    }
    match host {
        None => h.write_u64(0xdead_beef),
        Some(s) => {
            h.write_u64(1 | (s.len() as u64) << 8);
            h.write(s.as_bytes());
        }
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(tags: Option<&str>) -> u64 {
        context_hash(Kind::Counter, "m", &SortedTags::parse(tags), None)
    }

    #[test]
    fn null_and_empty_tags_are_one_context_and_order_does_not_matter() {
        assert_eq!(h(None), h(Some("")));
        assert_eq!(h(None), h(Some(" , ")));
        assert_eq!(h(Some("b,a")), h(Some("a,b")));
        assert_eq!(h(Some(" a , b")), h(Some("b,a")));
        assert_ne!(h(Some("a,a")), h(Some("a")));
        assert_ne!(h(Some("ab")), h(Some("a,b")));
        assert!(SortedTags::parse(Some("b,a")).matches("a,b"));
        assert!(!SortedTags::parse(Some("a")).matches("a,b"));
        assert!(!SortedTags::parse(Some("a,b")).matches("a"));
        assert!(SortedTags::parse(None).matches(""));
        assert!(!SortedTags::parse(Some("a")).matches(""));
        assert_eq!(SortedTags::parse(Some("z, y,x")).joined(), "x,y,z");
        let g = GlobalTags::from_tags(vec!["g".into(), "e".into()]);
        let t = SortedTags::parse(Some("b,g,a,g")).without(&g);
        assert_eq!(t.as_slice(), ["a", "b"]);
        assert_eq!(t.joined(), "a,b,e,g");
        assert!(t.matches("a,b,e,g"));
        assert!(!t.matches("a,b,e"));
        assert!(!t.matches("a,b,e,g,h"));
        assert!(!t.matches("a,b"));
        assert!(!t.matches(""));
        assert!(SortedTags::parse(None).without(&g).matches("e,g"));
        assert!(SortedTags::parse(Some("f")).without(&g).matches("e,f,g"));
        assert_eq!(SortedTags::parse(Some("f")).without(&g).joined(), "e,f,g");
        let none = GlobalTags::default();
        assert!(SortedTags::parse(Some("f")).without(&none).matches("f"));
        assert_eq!(context_hash(Kind::Counter, "m", &SortedTags::parse(Some("g,x")).without(&g), None), h(Some("x")));
    }

    #[test]
    fn host_and_kind_are_part_of_identity() {
        let t = SortedTags::parse(None);
        assert_ne!(context_hash(Kind::Counter, "m", &t, None), context_hash(Kind::Counter, "m", &t, Some("")));
        assert_ne!(context_hash(Kind::Counter, "m", &t, None), context_hash(Kind::Gauge, "m", &t, None));
        assert_ne!(context_hash(Kind::Histogram, "m", &t, None), context_hash(Kind::Distribution, "m", &t, None));
    }

    #[test]
    fn many_tags_spill_to_the_heap_and_still_sort() {
        let many: Vec<String> = (0..40).rev().map(|i| format!("t{i:02}")).collect();
        let joined = many.join(",");
        let t = SortedTags::parse(Some(&joined));
        assert_eq!(t.as_slice().len(), 40);
        assert_eq!(t.as_slice()[0], "t00");
        let mut sorted = many.clone();
        sorted.sort();
        assert!(t.matches(&sorted.join(",")));
        let keep = GlobalTags::from_tags((0..40).filter(|i| *i != 7 && *i != 31).map(|i| format!("t{i:02}")).collect());
        let t = SortedTags::parse(Some(&joined)).without(&keep);
        assert_eq!(t.as_slice(), ["t07", "t31"]);
        let all = GlobalTags::from_tags(many.clone());
        assert!(SortedTags::parse(Some(&joined)).without(&all).as_slice().is_empty());
    }
}
