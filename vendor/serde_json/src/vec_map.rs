//! Plansite patch: the map behind `serde_json::Map`, a vector of entries kept sorted by key.
//!
//! It offers the part of `BTreeMap`'s interface that `map.rs` uses, with the same order (keys
//! sorted by `Ord`), so every iteration, serialization and comparison gives what a `BTreeMap`
//! gave. A JSON object usually holds a few dozen keys at most; for those, one contiguous vector
//! is cheaper to build, search, clone and free than a tree of nodes. An insert shifts the
//! entries after it, so building a large object key by key in random order is quadratic;
//! inserting keys in ascending order (as serializing a `BTreeMap` does) only appends, and
//! `extend` and `from_iter` sort once.

use alloc::vec::{self, Vec};
use core::borrow::Borrow;
use core::cmp::Ordering;
use core::fmt::{self, Debug};
use core::hash::{Hash, Hasher};
use core::iter::FusedIterator;
use core::{mem, slice};

/// A key's order, which must be its `Ord`; `String` compares first bytes before whole keys.
pub trait SortKey: Ord {
    #[inline]
    fn sort_cmp(&self, other: &Self) -> Ordering {
        self.cmp(other)
    }
}

impl SortKey for alloc::string::String {
    #[inline]
    fn sort_cmp(&self, other: &Self) -> Ordering {
        str_order(self.as_bytes(), other.as_bytes())
    }
}

/// `str`'s order, deciding by the first bytes without a call to `memcmp` when they differ
/// (they mostly do among the keys of one JSON object).
#[inline]
fn str_order(a: &[u8], b: &[u8]) -> Ordering {
    a.first().cmp(&b.first()).then_with(|| a.cmp(b))
}

#[cfg(test)]
impl SortKey for u64 {}

#[derive(Clone, PartialEq, Eq)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap {
            entries: Vec::new(),
        }
    }
}

impl<K: SortKey, V> VecMap<K, V> {
    pub fn with_capacity(capacity: usize) -> Self {
        VecMap {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// Where `key` is (`Ok`), or where it would go (`Err`).
    #[inline]
    fn find<Q>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
        Q: ?Sized + Ord,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// `find` for a key of the map's own type, in its `sort_cmp` order.
    #[inline]
    fn find_key(&self, key: &K) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.sort_cmp(key))
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    #[inline]
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: ?Sized + Ord,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: ?Sized + Ord,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn get_key_value<Q>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
        Q: ?Sized + Ord,
    {
        self.find(key).ok().map(|i| {
            let (k, v) = &self.entries[i];
            (k, v)
        })
    }

    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: ?Sized + Ord,
    {
        self.find(key).is_ok()
    }

    /// As `BTreeMap::insert`: a key already present keeps its place and its first spelling,
    /// and the old value is returned.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        // Keys often come in order (a struct's fields sorted, a serialized BTreeMap).
        let after_last = match self.entries.last() {
            None => true,
            Some((last, _)) => last.sort_cmp(&key) == Ordering::Less,
        };
        if after_last {
            self.entries.push((key, value));
            return None;
        }
        match self.find_key(&key) {
            Ok(i) => Some(mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: ?Sized + Ord,
    {
        self.remove_entry(key).map(|(_, v)| v)
    }

    pub fn remove_entry<Q>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
        Q: ?Sized + Ord,
    {
        self.find(key).ok().map(|i| self.entries.remove(i))
    }

    /// Moves every entry of `other` into `self`; `other`'s value wins for a key in both.
    pub fn append(&mut self, other: &mut Self) {
        self.extend(mem::take(&mut other.entries));
    }

    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        match self.find_key(&key) {
            Ok(index) => Entry::Occupied(OccupiedEntry { map: self, index }),
            Err(index) => Entry::Vacant(VacantEntry {
                map: self,
                index,
                key,
            }),
        }
    }

    pub fn retain<F>(&mut self, mut f: F)
    where
        F: FnMut(&K, &mut V) -> bool,
    {
        self.entries.retain_mut(|(k, v)| f(k, v));
    }

    #[inline]
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter {
            iter: self.entries.iter(),
        }
    }

    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        IterMut {
            iter: self.entries.iter_mut(),
        }
    }

    pub fn keys(&self) -> Keys<'_, K, V> {
        Keys {
            iter: self.entries.iter(),
        }
    }

    pub fn values(&self) -> Values<'_, K, V> {
        Values {
            iter: self.entries.iter(),
        }
    }

    pub fn values_mut(&mut self) -> ValuesMut<'_, K, V> {
        ValuesMut {
            iter: self.entries.iter_mut(),
        }
    }

    pub fn into_values(self) -> IntoValues<K, V> {
        IntoValues {
            iter: self.entries.into_iter(),
        }
    }

    /// Sorts entries added out of order and keeps, of each key, the last value added (what
    /// inserting them one by one into a `BTreeMap` keeps) under the first spelling.
    fn settle(&mut self) {
        if self
            .entries
            .windows(2)
            .all(|w| w[0].0.sort_cmp(&w[1].0) == Ordering::Less)
        {
            return;
        }
        self.entries.sort_by(|a, b| a.0.sort_cmp(&b.0));
        self.entries.dedup_by(|later, kept| {
            if later.0 == kept.0 {
                mem::swap(&mut later.1, &mut kept.1);
                true
            } else {
                false
            }
        });
    }
}

impl<V> VecMap<alloc::string::String, V> {
    /// `get` for a string key, searched in the order `SortKey` keeps the keys in.
    #[inline]
    pub fn get_str(&self, key: &str) -> Option<&V> {
        self.entries
            .binary_search_by(|(k, _)| str_order(k.as_bytes(), key.as_bytes()))
            .ok()
            .map(|i| &self.entries[i].1)
    }
}

impl<K: SortKey, V> Extend<(K, V)> for VecMap<K, V> {
    fn extend<T: IntoIterator<Item = (K, V)>>(&mut self, iter: T) {
        let iter = iter.into_iter();
        // A few entries (a page's variables merged into a map) go in one by one; many are
        // appended and sorted once, which costs O(n log n) however they come.
        if iter.size_hint().1.is_some_and(|most| most <= 8) {
            self.entries.reserve(iter.size_hint().0);
            for (k, v) in iter {
                self.insert(k, v);
            }
        } else {
            self.entries.extend(iter);
            self.settle();
        }
    }
}

impl<K: SortKey, V> FromIterator<(K, V)> for VecMap<K, V> {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        let mut map = VecMap {
            entries: iter.into_iter().collect(),
        };
        map.settle();
        map
    }
}

impl<K: Hash, V: Hash> Hash for VecMap<K, V> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.entries.len());
        for (k, v) in &self.entries {
            k.hash(state);
            v.hash(state);
        }
    }
}

impl<K: Debug, V: Debug> Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl<K: SortKey + Borrow<Q>, V, Q: ?Sized + Ord> core::ops::Index<&Q> for VecMap<K, V> {
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = IntoIter<K, V>;

    fn into_iter(self) -> IntoIter<K, V> {
        IntoIter {
            iter: self.entries.into_iter(),
        }
    }
}

pub enum Entry<'a, K, V> {
    Vacant(VacantEntry<'a, K, V>),
    Occupied(OccupiedEntry<'a, K, V>),
}

pub struct VacantEntry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    index: usize,
    key: K,
}

impl<'a, K, V> VacantEntry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.key
    }

    pub fn insert(self, value: V) -> &'a mut V {
        self.map.entries.insert(self.index, (self.key, value));
        &mut self.map.entries[self.index].1
    }
}

pub struct OccupiedEntry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    index: usize,
}

impl<'a, K, V> OccupiedEntry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.map.entries[self.index].0
    }

    pub fn get(&self) -> &V {
        &self.map.entries[self.index].1
    }

    pub fn get_mut(&mut self) -> &mut V {
        &mut self.map.entries[self.index].1
    }

    pub fn into_mut(self) -> &'a mut V {
        &mut self.map.entries[self.index].1
    }

    pub fn insert(&mut self, value: V) -> V {
        mem::replace(self.get_mut(), value)
    }

    pub fn remove(self) -> V {
        self.remove_entry().1
    }

    pub fn remove_entry(self) -> (K, V) {
        self.map.entries.remove(self.index)
    }
}

/// An iterator type over the entries, with `$item` made from one entry by `$project`.
macro_rules! entry_iterator {
    ($name:ident<$($lt:lifetime,)? $k:ident, $v:ident>, $inner:ty, $item:ty, |$e:ident| $project:expr) => {
        pub struct $name<$($lt,)? $k, $v> {
            iter: $inner,
        }

        impl<$($lt,)? $k, $v> Iterator for $name<$($lt,)? $k, $v> {
            type Item = $item;
            #[inline]
            fn next(&mut self) -> Option<$item> {
                self.iter.next().map(|$e| $project)
            }
            #[inline]
            fn size_hint(&self) -> (usize, Option<usize>) {
                self.iter.size_hint()
            }
        }

        impl<$($lt,)? $k, $v> DoubleEndedIterator for $name<$($lt,)? $k, $v> {
            #[inline]
            fn next_back(&mut self) -> Option<$item> {
                self.iter.next_back().map(|$e| $project)
            }
        }

        impl<$($lt,)? $k, $v> ExactSizeIterator for $name<$($lt,)? $k, $v> {
            #[inline]
            fn len(&self) -> usize {
                self.iter.len()
            }
        }

        impl<$($lt,)? $k, $v> FusedIterator for $name<$($lt,)? $k, $v> {}

        impl<$($lt,)? $k: Debug, $v: Debug> Debug for $name<$($lt,)? $k, $v> {
            fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.debug_struct(stringify!($name)).field("iter", &self.iter).finish()
            }
        }
    };
}

entry_iterator!(
    Iter<'a, K, V>,
    slice::Iter<'a, (K, V)>,
    (&'a K, &'a V),
    |e| (&e.0, &e.1)
);
entry_iterator!(
    IterMut<'a, K, V>,
    slice::IterMut<'a, (K, V)>,
    (&'a K, &'a mut V),
    |e| (&e.0, &mut e.1)
);
entry_iterator!(IntoIter<K, V>, vec::IntoIter<(K, V)>, (K, V), |e| e);
entry_iterator!(Keys<'a, K, V>, slice::Iter<'a, (K, V)>, &'a K, |e| &e.0);
entry_iterator!(Values<'a, K, V>, slice::Iter<'a, (K, V)>, &'a V, |e| &e.1);
entry_iterator!(
    ValuesMut<'a, K, V>,
    slice::IterMut<'a, (K, V)>,
    &'a mut V,
    |e| &mut e.1
);
entry_iterator!(IntoValues<K, V>, vec::IntoIter<(K, V)>, V, |e| e.1);

// Iterators over shared entries can be cloned, like `BTreeMap`'s.
impl<K, V> Clone for Iter<'_, K, V> {
    fn clone(&self) -> Self {
        Iter {
            iter: self.iter.clone(),
        }
    }
}

impl<K, V> Clone for Keys<'_, K, V> {
    fn clone(&self) -> Self {
        Keys {
            iter: self.iter.clone(),
        }
    }
}

impl<K, V> Clone for Values<'_, K, V> {
    fn clone(&self) -> Self {
        Values {
            iter: self.iter.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::VecMap;
    use alloc::collections::BTreeMap;
    use alloc::format;
    use alloc::string::String;
    use alloc::vec::Vec;

    /// A small deterministic generator, so the test needs no crate.
    fn keys(seed: u64, n: usize, range: u64) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x % range
            })
            .collect()
    }

    /// `String`'s `sort_cmp` is its `Ord`, for empty keys, shared prefixes and bytes past ASCII;
    /// a map of such keys, inserted out of order, iterates as a `BTreeMap` does.
    #[test]
    fn string_keys_keep_str_order() {
        use super::SortKey;
        let words = [
            "",
            "a",
            "ab",
            "abc",
            "b",
            "ba",
            "\u{e9}",
            "\u{e9}t\u{e9}",
            "z",
            "Z",
            "id",
            "url",
        ];
        for a in words {
            for b in words {
                let (a, b) = (String::from(a), String::from(b));
                assert_eq!(a.sort_cmp(&b), a.cmp(&b), "{a:?} {b:?}");
            }
        }
        let mut v = VecMap::default();
        let mut b = BTreeMap::new();
        for (n, k) in keys(7, 300, 500).into_iter().enumerate() {
            let key = format!("{k}");
            assert_eq!(v.insert(key.clone(), n), b.insert(key, n));
        }
        assert!(v.into_iter().eq(b));
    }

    /// Inserts, removals, entries, extend and from_iter in mixed order leave the same entries,
    /// in the same order, as a `BTreeMap` given the same calls.
    #[test]
    fn behaves_like_a_btree_map() {
        for seed in 1..40u64 {
            let ks = keys(seed, 200, 60);
            let mut v = VecMap::default();
            let mut b = BTreeMap::new();
            for (n, &k) in ks.iter().enumerate() {
                match n % 5 {
                    0 | 1 => assert_eq!(v.insert(k, n), b.insert(k, n)),
                    2 => assert_eq!(v.remove(&k), b.remove(&k)),
                    3 => {
                        let vi = match v.entry(k) {
                            super::Entry::Vacant(e) => *e.insert(n),
                            super::Entry::Occupied(mut e) => {
                                *e.get_mut() += 1;
                                *e.get()
                            }
                        };
                        let bi = *b.entry(k).and_modify(|x| *x += 1).or_insert(n);
                        assert_eq!(vi, bi);
                    }
                    _ => {
                        // A few (inserted one by one) or many (appended and sorted).
                        let count = if n % 2 == 0 { 4 } else { 12 };
                        let more: Vec<(u64, usize)> = keys(seed + k, count, 60)
                            .into_iter()
                            .map(|x| (x, n))
                            .collect();
                        v.extend(more.clone());
                        b.extend(more);
                    }
                }
                assert!(v
                    .iter()
                    .map(|(k, v)| (*k, *v))
                    .eq(b.iter().map(|(k, v)| (*k, *v))));
                assert_eq!(v.len(), b.len());
            }
            let strings: VecMap<String, u64> = b.keys().map(|k| (format!("{k:x}"), *k)).collect();
            for probe in 0..80u64 {
                let text = format!("{probe:x}");
                let want = strings.get(text.as_str());
                assert_eq!(strings.get_str(&text), want);
                assert_eq!(strings.get_str(&text[..1]), strings.get(&text[..1]));
            }
            assert_eq!(strings.get_str(""), None);
            let pairs: Vec<(u64, u64)> = keys(seed, 50, 20).into_iter().zip(0..).collect();
            let v: VecMap<u64, u64> = pairs.iter().copied().collect();
            let b: BTreeMap<u64, u64> = pairs.iter().copied().collect();
            assert!(v.into_iter().eq(b));
        }
    }
}
