//! The engine's network: tasks and summaries as nodes, links and parenthood as edges stored
//! by target, ordered so every edge points forward, and the loop named when there is none.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::{CYCLE_NAMES_SHOWN, LinkSpec, MAX_DAYS, TaskSpec};
use crate::error::{Error, Result};
use crate::ids::TaskId;
use crate::model::LinkKind;

/// Row ids are small integers: a multiplicative hash spreads them well and costs far less than
/// the default SipHash, which matters at 100,000 tasks.
#[derive(Debug, Default)]
pub(super) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_i64(&mut self, n: i64) {
        self.0 = (self.0 ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

pub(super) type IdMap = HashMap<TaskId, u32, BuildHasherDefault<IdHasher>>;

/// Task id to input position. Database ids of one project are nearly contiguous, so a table
/// indexed by `id - min` usually replaces hashing altogether.
pub(super) enum Positions {
    Dense { min: i64, slots: Vec<u32> },
    Hashed(IdMap),
}

impl Positions {
    pub(super) fn new(tasks: &[TaskSpec]) -> Result<Positions> {
        let n = tasks.len();
        let (min, max) = tasks.iter().fold((i64::MAX, i64::MIN), |(lo, hi), t| {
            (lo.min(t.id.0), hi.max(t.id.0))
        });
        let duplicate =
            |t: &TaskSpec| Error::invalid("任务编号", t.id.to_string(), "每个任务的编号须唯一");
        let span = max.checked_sub(min).and_then(|s| usize::try_from(s).ok());
        match span {
            Some(span) if span < 4 * n + 64 => {
                let mut slots = vec![u32::MAX; span + 1];
                for (i, t) in tasks.iter().enumerate() {
                    let slot = &mut slots[(t.id.0 - min) as usize];
                    if *slot != u32::MAX {
                        return Err(duplicate(t));
                    }
                    *slot = i as u32;
                }
                Ok(Positions::Dense { min, slots })
            }
            _ => {
                let mut ids = IdMap::with_capacity_and_hasher(n, BuildHasherDefault::default());
                for (i, t) in tasks.iter().enumerate() {
                    if ids.insert(t.id, i as u32).is_some() {
                        return Err(duplicate(t));
                    }
                }
                Ok(Positions::Hashed(ids))
            }
        }
    }

    pub(super) fn get(&self, id: TaskId) -> Result<u32> {
        let found = match self {
            Positions::Dense { min, slots } => {
                id.0.checked_sub(*min)
                    .and_then(|o| usize::try_from(o).ok())
                    .and_then(|o| slots.get(o))
                    .copied()
                    .filter(|i| *i != u32::MAX)
            }
            Positions::Hashed(ids) => ids.get(&id).copied(),
        };
        found.ok_or(Error::UnknownTask { id: id.0 })
    }
}

/// No task, no summary, no node: the marker in the `u32` index arrays below.
pub(super) const NONE: u32 = u32::MAX;

/// The two ends of a task, indexing the `[start, finish]` pairs the passes keep per node.
pub(super) const START: usize = 0;
pub(super) const FINISH: usize = 1;

/// A link as its successor sees it: the predecessor's node, and in `meta` the lag above two
/// bits that say which end of each task the link joins (bit 0: the predecessor's start rather
/// than its finish; bit 1: the successor's finish rather than its start). On a summary's own
/// node the incoming edges are its children instead, and `meta` is unused. Eight bytes, so that
/// the edges of 100,000 tasks stay within the processor's caches.
#[derive(Debug, Clone, Copy)]
pub(super) struct InEdge {
    pub(super) from: u32,
    pub(super) meta: i32,
}

impl InEdge {
    pub(super) fn link(from: u32, kind: LinkKind, lag: i64) -> InEdge {
        let ends = match kind {
            LinkKind::FinishToStart => 0b00,
            LinkKind::StartToStart => 0b01,
            LinkKind::FinishToFinish => 0b10,
            LinkKind::StartToFinish => 0b11,
        };
        // The lag was checked against MAX_DAYS, so `lag * 4` is far inside i32.
        InEdge {
            from,
            meta: ((lag as i32) << 2) | ends,
        }
    }

    pub(super) fn child(from: u32) -> InEdge {
        InEdge { from, meta: 0 }
    }

    /// Which end of the predecessor the link starts from: START or FINISH.
    pub(super) fn pred_end(self) -> usize {
        (!self.meta & 1) as usize
    }

    /// Which end of the successor the link holds: START or FINISH.
    pub(super) fn succ_end(self) -> usize {
        ((self.meta >> 1) & 1) as usize
    }

    pub(super) fn lag(self) -> i64 {
        i64::from(self.meta >> 2)
    }
}

/// The network: node `i < n` is task `i` (for a summary, the node that rolls its children up);
/// node `n + j` is the entry of the `j`th summary, where links into it arrive and from where
/// they reach its children. Edges are stored by target (compressed rows), so the forward pass
/// pulls from predecessors and the backward pass pushes to them, both walking one array.
pub(super) struct Network {
    pub(super) n: usize,
    /// Each task's summary, or NONE.
    pub(super) parent: Vec<u32>,
    /// Each task's summary number `j`, or NONE for a task without children.
    pub(super) summary_of: Vec<u32>,
    /// The task of each summary entry node.
    pub(super) entry_task: Vec<u32>,
    /// For a leaf task or an entry node, the entry node of the summary above it, or NONE:
    /// what links into a summary ask of it, they ask of everything below it.
    pub(super) parent_entry: Vec<u32>,
    /// Node `v`'s incoming edges are `ins[first_in[v]..first_in[v + 1]]`: the links into a
    /// leaf task or an entry node, the children of a summary's own node.
    pub(super) first_in: Vec<u32>,
    pub(super) ins: Vec<InEdge>,
}

impl Network {
    pub(super) fn nodes(&self) -> usize {
        self.n + self.entry_task.len()
    }

    pub(super) fn incoming(&self, v: usize) -> &[InEdge] {
        &self.ins[self.first_in[v] as usize..self.first_in[v + 1] as usize]
    }

    /// Where links into task `i` arrive: its own node, or its summary entry node.
    pub(super) fn entry(&self, i: usize) -> u32 {
        match self.summary_of[i] {
            NONE => i as u32,
            j => (self.n as u32) + j,
        }
    }

    pub(super) fn is_summary(&self, i: usize) -> bool {
        self.summary_of[i] != NONE
    }

    /// The task a node stands for: its own, or for an entry node its summary.
    pub(super) fn task_of(&self, v: usize) -> usize {
        if v < self.n {
            v
        } else {
            self.entry_task[v - self.n] as usize
        }
    }

    /// Every node's predecessors, `parent_entry` included.
    pub(super) fn predecessors(&self, v: usize) -> impl Iterator<Item = u32> + '_ {
        let above = self.parent_entry[v];
        self.incoming(v)
            .iter()
            .map(|e| e.from)
            .chain((above != NONE).then_some(above))
    }
}

pub(super) fn too_many() -> Error {
    Error::invalid(
        "任务",
        "超过 40 亿个",
        "一个项目的任务与依赖数量过多，无法计算进度",
    )
}

pub(super) fn build_network(
    tasks: &[TaskSpec],
    links: &[LinkSpec],
    ids: &Positions,
) -> Result<Network> {
    let n = tasks.len();
    let mut parent = vec![NONE; n];
    let mut summary_of = vec![NONE; n];
    for (i, t) in tasks.iter().enumerate() {
        if let Some(p) = t.parent {
            let p = ids.get(p)?;
            parent[i] = p;
            summary_of[p as usize] = 0;
        }
    }
    let mut entry_task = Vec::new();
    for (i, s) in summary_of.iter_mut().enumerate() {
        if *s != NONE {
            *s = u32::try_from(entry_task.len()).map_err(|_| too_many())?;
            entry_task.push(i as u32);
        }
    }
    let nodes = n + entry_task.len();
    if u32::try_from(nodes).is_err() || u32::try_from(links.len() + n).is_err() {
        return Err(too_many());
    }
    let mut net = Network {
        n,
        parent,
        summary_of,
        entry_task,
        parent_entry: vec![NONE; nodes],
        first_in: vec![0u32; nodes + 1],
        ins: Vec::new(),
    };
    for v in 0..nodes {
        let t = net.task_of(v);
        let p = net.parent[t];
        // A summary's own node hears from its children, not from above.
        if p != NONE && (v >= n || !net.is_summary(v)) {
            net.parent_entry[v] = net.entry(p as usize);
        }
    }
    // Count each node's incoming edges (checking the links on the way), then place them.
    let mut count = vec![0u32; nodes + 1];
    for l in links {
        ids.get(l.predecessor)?;
        let s = ids.get(l.successor)?;
        if l.lag_days.abs() > MAX_DAYS {
            return Err(Error::invalid(
                "依赖的延隔时间",
                format!("{} 个工作日", l.lag_days),
                &format!("应在 ±{MAX_DAYS} 个工作日以内"),
            ));
        }
        count[net.entry(s as usize) as usize] += 1;
    }
    for p in &net.parent {
        if *p != NONE {
            count[*p as usize] += 1;
        }
    }
    let mut sum = 0u32;
    for (end, c) in net.first_in[1..].iter_mut().zip(&count) {
        sum += c;
        *end = sum;
    }
    let mut fill = count;
    fill.copy_from_slice(&net.first_in);
    let mut ins = vec![InEdge::child(0); net.first_in[nodes] as usize];
    let mut place = |to: u32, e: InEdge| {
        let slot = &mut fill[to as usize];
        ins[*slot as usize] = e;
        *slot += 1;
    };
    for l in links {
        let p = ids.get(l.predecessor)?;
        let s = ids.get(l.successor)?;
        place(net.entry(s as usize), InEdge::link(p, l.kind, l.lag_days));
    }
    for (i, p) in net.parent.iter().enumerate() {
        if *p != NONE {
            place(*p, InEdge::child(i as u32));
        }
    }
    net.ins = ins;
    Ok(net)
}

/// The nodes in an order where every edge points forward, or None when there is a loop.
/// Depth-first along incoming edges from each node in input order, so each node comes right
/// after whatever it waits for: a plan listed roughly in working order keeps that order, and
/// the passes below sweep their arrays instead of jumping around them.
pub(super) fn topological_order(net: &Network) -> Option<Vec<u32>> {
    const NEW: u8 = 0;
    const OPEN: u8 = 1;
    const PLACED: u8 = 2;
    let nodes = net.nodes();
    let mut state = vec![NEW; nodes];
    let mut order = Vec::with_capacity(nodes);
    // (node, how many of its predecessors were looked at)
    let mut stack: Vec<(u32, u32)> = Vec::new();
    for root in 0..nodes {
        if state[root] != NEW {
            continue;
        }
        state[root] = OPEN;
        stack.push((root as u32, 0));
        while let Some(top) = stack.last_mut() {
            let (v, seen) = (top.0 as usize, top.1);
            let (first, end) = (net.first_in[v], net.first_in[v + 1]);
            let next = if first + seen < end {
                net.ins[(first + seen) as usize].from
            } else if first + seen == end && net.parent_entry[v] != NONE {
                net.parent_entry[v]
            } else {
                state[v] = PLACED;
                order.push(v as u32);
                stack.pop();
                continue;
            };
            top.1 += 1;
            match state[next as usize] {
                NEW => {
                    state[next as usize] = OPEN;
                    stack.push((next, 0));
                }
                OPEN => return None,
                _ => {}
            }
        }
    }
    Some(order)
}

/// Names the tasks of one loop. Kahn's algorithm leaves the nodes on or after a loop; each of
/// them still has a predecessor among them, so walking predecessors must come back to a node
/// seen. Only for an error, so it favours a stable message over speed.
pub(super) fn cycle_error(net: &Network, tasks: &[TaskSpec]) -> Error {
    let nodes = net.nodes();
    let mut indegree = vec![0u32; nodes];
    let mut successors: Vec<Vec<u32>> = vec![Vec::new(); nodes];
    for (v, d) in indegree.iter_mut().enumerate() {
        for u in net.predecessors(v) {
            *d += 1;
            successors[u as usize].push(v as u32);
        }
    }
    let mut ready: Vec<usize> = (0..nodes).filter(|v| indegree[*v] == 0).collect();
    while let Some(v) = ready.pop() {
        for to in &successors[v] {
            let d = &mut indegree[*to as usize];
            *d -= 1;
            if *d == 0 {
                ready.push(*to as usize);
            }
        }
    }
    let stuck = |v: usize| indegree[v] > 0;
    // Each stuck node's predecessor: the last stuck one in node order.
    let mut pred = vec![u32::MAX; nodes];
    for (v, p) in pred.iter_mut().enumerate() {
        if stuck(v) {
            if let Some(u) = net.predecessors(v).filter(|u| stuck(*u as usize)).max() {
                *p = u;
            }
        }
    }
    let Some(start) = (0..nodes).find(|v| stuck(*v)) else {
        return Error::DependencyCycle {
            cycle: String::new(),
        };
    };
    let mut seen_at = vec![usize::MAX; nodes];
    let mut walk = Vec::new();
    let mut v = start;
    while seen_at[v] == usize::MAX && pred[v] != u32::MAX {
        seen_at[v] = walk.len();
        walk.push(v);
        v = pred[v] as usize;
    }
    let mut cycle: Vec<usize> = match seen_at.get(v) {
        Some(at) if *at != usize::MAX => walk[*at..].to_vec(),
        _ => walk,
    };
    // The walk went against the links; name the tasks in link order, from the first listed.
    cycle.reverse();
    if let Some(pos) = (0..cycle.len()).min_by_key(|i| (net.task_of(cycle[*i]), cycle[*i])) {
        cycle.rotate_left(pos);
    }
    let mut names: Vec<&str> = Vec::new();
    for node in cycle {
        let name = tasks[net.task_of(node)].name.as_str();
        if names.last() != Some(&name) {
            names.push(name);
        }
    }
    if names.len() > 1 && names.first() == names.last() {
        names.pop();
    }
    let Some(first) = names.first().copied() else {
        return Error::DependencyCycle {
            cycle: String::new(),
        };
    };
    let cycle = if names.len() > CYCLE_NAMES_SHOWN {
        format!(
            "{} → …（共 {} 个任务）→ {first}",
            names[..CYCLE_NAMES_SHOWN].join(" → "),
            names.len()
        )
    } else {
        format!("{} → {first}", names.join(" → "))
    };
    Error::DependencyCycle { cycle }
}
