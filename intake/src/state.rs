//! What the intake remembers: recorded requests (and the statuses answered to them), queued and
//! sticky faults, canned answers and the objects the responder stores. Guarded by one mutex in
//! the server; the control API reads and changes it through `&mut State`.

use std::collections::{HashMap, VecDeque};

use crate::responder::Store;
use crate::{Fault, Recorded};

#[derive(Default)]
pub(crate) struct State {
    pub requests: Vec<Recorded>,
    /// Sequence number of each entry of `requests` (same index), to attach answer statuses.
    pub seqs: Vec<u64>,
    pub next_seq: u64,
    /// Status answered to request `seq` (absent: reset, hung, or not answered yet).
    pub statuses: HashMap<u64, u16>,
    pub faults: VecDeque<Fault>,
    pub sticky: Option<Fault>,
    pub overrides: HashMap<(String, String), (u16, String)>,
    pub store: Store,
}

impl State {
    /// Forget the faults (queued and sticky) and, with `requests`, the recorded requests.
    /// Canned answers and stored objects are kept.
    pub(crate) fn clear(&mut self, requests: bool) {
        if requests {
            self.requests.clear();
            self.seqs.clear();
            self.statuses.clear();
        }
        self.faults.clear();
        self.sticky = None;
    }
}
