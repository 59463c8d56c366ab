//! Undo and redo of the review's changes, kept compactly: a step holds only
//! the cells it changed (their place, and the values before and after,
//! packed back to back in one buffer each), so that a fix of a million
//! cells costs about the cells' text, not a copy of the file.

/// How many steps are kept; older ones are forgotten.
pub const MAX_STEPS: usize = 200;

/// Values packed back to back: one buffer and where each value ends.
#[derive(Clone, Debug, Default)]
pub struct Packed {
    text: String,
    ends: Vec<u32>,
}

impl Packed {
    fn push(&mut self, value: &str) {
        self.text.push_str(value);
        self.ends.push(self.text.len() as u32);
    }

    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }
}

/// Cells a step changed: where, and the values before and after.
#[derive(Clone, Debug, Default)]
pub struct CellChanges {
    /// Row index and column of each changed cell.
    at: Vec<(u32, u32)>,
    before: Packed,
    after: Packed,
}

impl CellChanges {
    /// Room for `cells` changed cells whose values before take `bytes`
    /// bytes, and as many after: a fix of a million cells fills its
    /// buffers without growing them step by step.
    pub fn with_capacity(cells: usize, bytes: usize) -> CellChanges {
        let packed = || Packed { text: String::with_capacity(bytes), ends: Vec::with_capacity(cells) };
        CellChanges { at: Vec::with_capacity(cells), before: packed(), after: packed() }
    }

    /// Give back the room [`with_capacity`](CellChanges::with_capacity)
    /// made and the cells did not use, before the step is kept.
    pub fn shrink_to_fit(&mut self) {
        self.at.shrink_to_fit();
        for packed in [&mut self.before, &mut self.after] {
            packed.text.shrink_to_fit();
            packed.ends.shrink_to_fit();
        }
    }

    /// Note that the cell at (`index`, `column`) went from `before` to `after`.
    pub fn push(&mut self, index: usize, column: usize, before: &str, after: &str) {
        self.at.push((index as u32, column as u32));
        self.before.push(before);
        self.after.push(after);
    }

    /// How many cells changed.
    pub fn len(&self) -> usize {
        self.at.len()
    }

    /// Whether no cell changed.
    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }

    /// Each changed cell: row index, column, the value before or after.
    pub fn cells(&self, after: bool) -> impl Iterator<Item = (usize, usize, &str)> {
        let values = if after { &self.after } else { &self.before };
        self.at.iter().enumerate().map(move |(i, &(row, column))| (row as usize, column as usize, values.get(i)))
    }

    /// The columns of the changed cells, each once, in order.
    pub fn columns(&self) -> Vec<usize> {
        let mut columns: Vec<usize> = Vec::new();
        // Few columns (a bulk fix changes one): a list is the cheapest set.
        for &(_, column) in &self.at {
            if !columns.contains(&(column as usize)) {
                columns.push(column as usize);
            }
        }
        columns.sort_unstable();
        columns
    }

    fn heap_bytes(&self) -> usize {
        self.at.capacity() * 8
            + self.before.text.capacity()
            + self.after.text.capacity()
            + (self.before.ends.capacity() + self.after.ends.capacity()) * 4
    }
}

/// One change the user made, undone and redone as a whole.
#[derive(Clone, Debug)]
pub enum Step {
    /// Cells set (an edit, a replace, a fix).
    Cells(CellChanges),
    /// Rows taken out (by index, ascending).
    Remove(Vec<u32>),
    /// A row added at the end of the store (its index).
    Add(u32),
}

impl Step {
    fn heap_bytes(&self) -> usize {
        match self {
            Step::Cells(cells) => cells.heap_bytes(),
            Step::Remove(rows) => rows.capacity() * 4,
            Step::Add(_) => 0,
        }
    }
}

/// The steps that can be undone, and those undone that can be redone.
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
}

impl History {
    /// A new change: it can be undone; what was undone can no longer be redone.
    pub fn record(&mut self, step: Step) {
        self.redo.clear();
        self.undo.push(step);
        if self.undo.len() > MAX_STEPS {
            self.undo.remove(0);
        }
    }

    /// Take the last change, to undo it; give it back with [`Self::undone`].
    pub fn take_undo(&mut self) -> Option<Step> {
        self.undo.pop()
    }

    /// A change undone: it can be redone.
    pub fn undone(&mut self, step: Step) {
        self.redo.push(step);
    }

    /// Take the last change undone, to do it again; give it back with [`Self::redone`].
    pub fn take_redo(&mut self) -> Option<Step> {
        self.redo.pop()
    }

    /// A change done again: it can be undone again (what else was undone stays redoable).
    pub fn redone(&mut self, step: Step) {
        self.undo.push(step);
    }

    /// How many steps can be undone and redone.
    pub fn counts(&self) -> (usize, usize) {
        (self.undo.len(), self.redo.len())
    }

    /// Bytes the steps hold.
    pub fn heap_bytes(&self) -> usize {
        self.undo.iter().chain(&self.redo).map(Step::heap_bytes).sum()
    }
}
