//! The values a unique field has had so far: a set that costs no allocation
//! per value, for files of a million rows.

use std::collections::hash_map::{Entry, RandomState};
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

/// The values a unique field has had so far, each with the first row that
/// had it.
///
/// A `HashMap<String, u64>` costs an allocation per value (and as much
/// again to free it), which on a big file made uniqueness cost more than
/// all the other checks together. Here the map goes from each value's
/// 64-bit hash to where the value is kept: all of them back to back in one
/// `String`, so that remembering a value costs a copy and no allocation.
///
/// The hash is std's SipHash with random keys per file, so a crafted file
/// cannot make values collide on purpose. Two different values can still
/// share a hash by chance: the stored text is compared on every hit, so a
/// collision is never taken for a duplicate, and the second value goes to a
/// plain map.
pub(super) struct SeenValues<S = RandomState> {
    hasher: S,
    first: HashMap<u64, Seen, BuildHasherDefault<HashIsKey>>,
    text: String,
    /// Values whose hash an earlier, different value has.
    collided: HashMap<String, u64>,
}

/// Where a value is in [`SeenValues::text`], and its first row.
struct Seen {
    start: usize,
    end: usize,
    row: u64,
}

impl<S: BuildHasher + Default> Default for SeenValues<S> {
    fn default() -> Self {
        SeenValues { hasher: S::default(), first: HashMap::default(), text: String::new(), collided: HashMap::new() }
    }
}

impl<S: BuildHasher> SeenValues<S> {
    /// Room for `values` more values without growing the table.
    pub(super) fn reserve(&mut self, values: usize) {
        self.first.reserve(values);
    }

    /// The first row that had `value`, or `None` (and `row` is remembered as
    /// that first row).
    pub(super) fn first_row(&mut self, value: &str, row: u64) -> Option<u64> {
        match self.first.entry(self.hasher.hash_one(value)) {
            Entry::Vacant(slot) => {
                let start = self.text.len();
                self.text.push_str(value);
                slot.insert(Seen { start, end: self.text.len(), row });
                None
            }
            Entry::Occupied(slot) => {
                let seen = slot.get();
                if &self.text[seen.start..seen.end] == value {
                    return Some(seen.row);
                }
                match self.collided.entry(value.to_string()) {
                    Entry::Occupied(first) => Some(*first.get()),
                    Entry::Vacant(slot) => {
                        slot.insert(row);
                        None
                    }
                }
            }
        }
    }
}

/// A `Hasher` for keys that are already hashes: it passes the `u64` on.
#[derive(Default)]
pub(super) struct HashIsKey(u64);

impl Hasher for HashIsKey {
    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are used; kept correct for anything else.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::RandomState;
    use std::collections::HashMap;
    use proptest::prelude::*;

    /// Every value hashes alike: each lookup is a collision.
    #[derive(Default)]
    struct OneHash;

    impl BuildHasher for OneHash {
        type Hasher = HashIsKey;
        fn build_hasher(&self) -> HashIsKey {
            HashIsKey(42)
        }
    }

    #[test]
    fn colliding_hashes_are_not_duplicates() {
        let mut seen = SeenValues::<OneHash>::default();
        assert_eq!(seen.first_row("ann@example.com", 1), None);
        assert_eq!(seen.first_row("bob@example.com", 2), None);
        assert_eq!(seen.first_row("cy@example.com", 3), None);
        assert_eq!(seen.first_row("bob@example.com", 4), Some(2));
        assert_eq!(seen.first_row("ann@example.com", 5), Some(1));
        assert_eq!(seen.first_row("cy@example.com", 6), Some(3));
        assert_eq!(seen.first_row("", 7), None);
        assert_eq!(seen.first_row("", 8), Some(7));
    }

    #[test]
    fn a_reserved_table_does_not_grow() {
        let mut seen = SeenValues::<RandomState>::default();
        seen.reserve(5_000);
        let capacity = seen.first.capacity();
        for row in 0..5_000 {
            assert_eq!(seen.first_row(&format!("p{row}@example.com"), row), None);
        }
        assert_eq!(seen.first.capacity(), capacity);
        assert_eq!(seen.first_row("p42@example.com", 9_999), Some(42));
    }

    proptest! {
        #[test]
        fn seen_values_agree_with_a_plain_map(values in proptest::collection::vec("[aAé]{0,3}", 0..60), weak in any::<bool>()) {
            let mut plain: HashMap<String, u64> = HashMap::new();
            let (mut strong, mut colliding) = (SeenValues::<RandomState>::default(), SeenValues::<OneHash>::default());
            for (row, value) in (1..).zip(&values) {
                let want = plain.get(value).copied();
                plain.entry(value.clone()).or_insert(row);
                let got = if weak { colliding.first_row(value, row) } else { strong.first_row(value, row) };
                prop_assert_eq!(got, want, "{}", value);
            }
        }

    }
}
