//! Context identity without allocation: the tags of a call are split into borrowed slices on
//! the stack, sorted, and hashed together with the name, the host and the metric kind.
//!
//! `tags = NULL` and `""` are the same context (no tags); whitespace around a tag is trimmed and
//! empty entries dropped (as `crate::tags::split`); order does not matter, duplicates do.

/// Tags kept on the stack; a call with more spills into one heap vector (rare). Kept small:
/// the array is initialised on every call.
const STACK_TAGS: usize = 16;

/// The tags of one call, sorted, borrowed from the caller's string.
pub struct SortedTags<'a> {
    stack: [&'a str; STACK_TAGS],
    n: usize,
    heap: Vec<&'a str>,
}

impl<'a> SortedTags<'a> {
    pub fn parse(tags: Option<&'a str>) -> SortedTags<'a> {
        let mut t = SortedTags { stack: [""; STACK_TAGS], n: 0, heap: Vec::new() };
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

    pub fn as_slice(&self) -> &[&'a str] {
        if self.heap.is_empty() {
            &self.stack[..self.n]
        } else {
            &self.heap
        }
    }

    /// The canonical form stored in a context: sorted, joined with `,`.
    pub fn joined(&self) -> String {
        self.as_slice().join(",")
    }

    /// True when `stored` (a [`joined`](Self::joined) string) holds exactly these tags.
    pub fn matches(&self, stored: &str) -> bool {
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
}

/// What a context aggregates. Part of the identity: the same name used as a counter and as a
/// gauge gives two contexts (two series).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Counter = 1,
    Gauge = 2,
    Histogram = 3,
}

const K: u64 = 0x517c_c1b7_2722_0a95;

/// A small, fast, non-cryptographic hasher (FxHash-style mixing of 8-byte words, finished with
/// murmur3's fmix64 so that the shard bits are well spread).
#[derive(Clone, Copy)]
pub(super) struct Hasher(pub(super) u64);

impl Hasher {
    #[inline]
    pub(super) fn word(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
    }

    #[inline]
    pub(super) fn bytes(&mut self, b: &[u8]) {
        self.words(b);
        // Length separates "ab","c" from "a","bc".
        self.word(b.len() as u64);
    }

    /// The bytes as little-endian words, without the length. Short tails are read with
    /// overlapping loads (no byte-wise copy to the stack, which stalled store forwarding):
    /// injective for a given length, which callers hash separately.
    #[inline]
    pub(super) fn words(&mut self, b: &[u8]) {
        let n = b.len();
        let w64 = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        let w32 = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes")) as u64;
        if n >= 8 {
            let mut i = 0;
            while i + 8 < n {
                self.word(w64(i));
                i += 8;
            }
            self.word(w64(n - 8));
        } else if n >= 4 {
            self.word(w32(0) | (w32(n - 4) << 32));
        } else if n > 0 {
            self.word(b[0] as u64 | (b[n / 2] as u64) << 8 | (b[n - 1] as u64) << 16);
        }
    }

    #[inline]
    pub(super) fn finish(self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// The hash of a context: kind, name, sorted tags, host (`None` differs from `Some("")`).
#[inline]
pub fn context_hash(kind: Kind, name: &str, tags: &SortedTags<'_>, host: Option<&str>) -> u64 {
    let mut h = Hasher(kind as u64);
    h.bytes(name.as_bytes());
    let t = tags.as_slice();
    h.word(t.len() as u64);
    for tag in t {
        h.bytes(tag.as_bytes());
    }
    match host {
        None => h.word(0xdead_beef),
        Some(s) => {
            h.word(1);
            h.bytes(s.as_bytes());
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
    }

    #[test]
    fn host_and_kind_are_part_of_identity() {
        let t = SortedTags::parse(None);
        assert_ne!(context_hash(Kind::Counter, "m", &t, None), context_hash(Kind::Counter, "m", &t, Some("")));
        assert_ne!(context_hash(Kind::Counter, "m", &t, None), context_hash(Kind::Gauge, "m", &t, None));
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
    }
}
