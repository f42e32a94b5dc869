//! Packs DogStatsD lines into packets of at most `max` bytes (newline-terminated lines, as
//! datadog-go's `statsdBuffer`): a line is never split across packets; a line that cannot fit
//! in an empty packet is dropped and counted; packed values (`name:v1:v2:…|h`) are spread over
//! as many lines (and packets) as needed, each line as full as the packet allows.

use super::encode::{self, Line, MetricKind};

/// Line packer. Not thread-safe by itself (the client holds it under a mutex).
#[derive(Debug)]
pub struct Packer {
    max: usize,
    cur: Vec<u8>,
    ready: Vec<Vec<u8>>,
    scratch: Vec<u8>,
    /// Lines (or single packed values) dropped because they exceed `max` on their own.
    pub oversize_lines: u64,
    /// Their size in bytes (newline included).
    pub oversize_bytes: u64,
}

impl Packer {
    /// `max` is clamped to at least 16 bytes.
    pub fn new(max: usize) -> Packer {
        let max = max.max(16);
        Packer {
            max,
            cur: Vec::with_capacity(max),
            ready: Vec::new(),
            scratch: Vec::with_capacity(32),
            oversize_lines: 0,
            oversize_bytes: 0,
        }
    }

    pub fn max(&self) -> usize {
        self.max
    }

    /// Bytes in the packet being filled.
    pub fn pending_len(&self) -> usize {
        self.cur.len()
    }

    /// Close the packet being filled (if any) so it is returned by [`Packer::take_ready`].
    pub fn flush(&mut self) {
        if !self.cur.is_empty() {
            let full = std::mem::replace(&mut self.cur, Vec::with_capacity(self.max));
            self.ready.push(full);
        }
    }

    /// Completed packets, oldest first.
    pub fn take_ready(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.ready)
    }

    /// Number of completed packets waiting in [`Packer::take_ready`].
    pub fn ready_count(&self) -> usize {
        self.ready.len()
    }

    /// Encode one line with `write` (which appends it without newline) and pack it.
    /// Returns false when the line was dropped for being longer than a packet.
    pub fn push_with(&mut self, write: impl FnOnce(&mut Vec<u8>)) -> bool {
        let start = self.cur.len();
        write(&mut self.cur);
        self.cur.push(b'\n');
        let len = self.cur.len() - start;
        if self.cur.len() <= self.max {
            return true;
        }
        if len > self.max {
            self.cur.truncate(start);
            self.oversize_lines += 1;
            self.oversize_bytes += len as u64;
            return false;
        }
        // The line fits in a packet of its own: close the previous one before it.
        let line = self.cur.split_off(start);
        self.flush();
        self.cur.extend_from_slice(&line);
        true
    }

    /// Pack one complete line (without newline).
    pub fn push_line(&mut self, line: &[u8]) -> bool {
        self.push_with(|b| b.extend_from_slice(line))
    }

    /// Pack `values` as protocol 1.1 lines `name:v1:v2:…<tail>`, as many values per line as
    /// the packet allows. Returns how many values were dropped (a single value whose line
    /// cannot fit in an empty packet).
    pub fn push_packed(&mut self, name: &str, kind: MetricKind, values: &[f64], l: &Line) -> usize {
        let mut tail = Vec::with_capacity(64);
        encode::push_tail(&mut tail, kind, l);
        tail.push(b'\n');
        let head = name.len() + 1;
        let mut dropped = 0;
        let mut i = 0;
        while i < values.len() {
            self.scratch.clear();
            encode::push_value(&mut self.scratch, kind, values[i]);
            let need = head + self.scratch.len() + tail.len();
            if need > self.max {
                self.oversize_lines += 1;
                self.oversize_bytes += need as u64;
                dropped += 1;
                i += 1;
                continue;
            }
            if self.cur.len() + need > self.max {
                self.flush();
            }
            self.cur.extend_from_slice(name.as_bytes());
            self.cur.push(b':');
            self.cur.extend_from_slice(&self.scratch);
            i += 1;
            while i < values.len() {
                self.scratch.clear();
                encode::push_value(&mut self.scratch, kind, values[i]);
                if self.cur.len() + 1 + self.scratch.len() + tail.len() > self.max {
                    break;
                }
                self.cur.push(b':');
                self.cur.extend_from_slice(&self.scratch);
                i += 1;
            }
            self.cur.extend_from_slice(&tail);
        }
        dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(p: &mut Packer) -> Vec<String> {
        p.flush();
        p.take_ready().into_iter().map(|v| String::from_utf8(v).unwrap()).collect()
    }

    #[test]
    fn lines_fill_packets_without_splitting() {
        let mut p = Packer::new(20);
        for l in ["aaaa:1|c", "bbbb:2|c", "cccc:3|c"] {
            assert!(p.push_line(l.as_bytes()));
        }
        // 9 bytes per line with its newline: two fit in 20, the third starts a packet.
        assert_eq!(all(&mut p), vec!["aaaa:1|c\nbbbb:2|c\n", "cccc:3|c\n"]);
        // Exactly max bytes fits.
        let mut p = Packer::new(20);
        assert!(p.push_line(&[b'x'; 19]));
        assert!(p.push_line(b"y"));
        let out = all(&mut p);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].len(), 20);
    }

    #[test]
    fn oversize_line_dropped_and_counted() {
        let mut p = Packer::new(20);
        assert!(p.push_line(b"ok:1|c"));
        assert!(!p.push_line(&[b'x'; 20]));
        assert!(p.push_line(b"ok:2|c"));
        assert_eq!(p.oversize_lines, 1);
        assert_eq!(p.oversize_bytes, 21);
        assert_eq!(all(&mut p), vec!["ok:1|c\nok:2|c\n"]);
    }

    #[test]
    fn packed_values_split_across_lines_and_packets() {
        let mut p = Packer::new(32);
        let vals: Vec<f64> = (1..=20).map(f64::from).collect();
        let l = Line { rate: 1.0, tags: "t:1", ..Default::default() };
        assert_eq!(p.push_packed("h", MetricKind::Histogram, &vals, &l), 0);
        let out = all(&mut p);
        let mut seen = Vec::new();
        for pkt in &out {
            assert!(pkt.len() <= 32, "{pkt:?}");
            for line in pkt.lines() {
                let (vals, tail) = line.strip_prefix("h:").unwrap().split_once('|').unwrap();
                assert_eq!(tail, "h|#t:1");
                seen.extend(vals.split(':').map(|v| v.parse::<f64>().unwrap()));
            }
        }
        assert_eq!(seen, vals);
        assert!(out.len() > 1);
        // Each packet was filled as far as the next value allowed.
        assert_eq!(out[0], "h:1:2:3:4:5:6:7:8:9:10|h|#t:1\n");
    }

    #[test]
    fn packed_joins_current_packet_when_room() {
        let mut p = Packer::new(64);
        p.push_line(b"c:1|c");
        p.push_packed("d", MetricKind::Distribution, &[0.5, 1.5], &Line::default());
        assert_eq!(all(&mut p), vec!["c:1|c\nd:0.5:1.5|d\n"]);
    }

    #[test]
    fn packed_value_too_large_for_any_packet() {
        let mut p = Packer::new(16);
        let tags = "a".repeat(30);
        let l = Line { tags: &tags, ..Default::default() };
        assert_eq!(p.push_packed("h", MetricKind::Histogram, &[1.0, 2.0], &l), 2);
        assert_eq!(p.oversize_lines, 2);
        assert!(all(&mut p).is_empty());
    }
}
