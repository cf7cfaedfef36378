//! One sort for the whole program, and maps and sets built without sorting. Every `slice::sort_by` with its own
//! element type or closure makes the compiler emit the whole stable-sort
//! machinery again (about 6 kB of wasm each: the release build had 212 sort
//! functions, 123 kB, 8% of all code). These helpers sort a list of indices
//! with one comparison behind `dyn`, so that machinery exists once, then move
//! the elements into that order. Stable, like `sort_by`.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`.
pub fn sort_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_indices(&mut order, &|a, b| cmp(&v[a], &v[b]));
    let mut slots: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    v.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// Sorts `v` stably by a key.
pub fn sort_by_key<T, K: Ord>(v: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` stably in its natural order.
pub fn sort<T: Ord>(v: &mut Vec<T>) {
    sort_by(v, T::cmp);
}

/// The one instance of the standard library's stable sort.
#[inline(never)]
fn sort_indices(order: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    order.sort_by(|a, b| cmp(*a, *b));
}

/// A map built by inserting one entry at a time. `collect()` into a
/// `BTreeMap` sorts the entries first, with its own copy of the stable sort
/// for every key and value type. Later entries win, as with `collect()`.
pub fn map_of<K: Ord, V>(entries: impl IntoIterator<Item = (K, V)>) -> std::collections::BTreeMap<K, V> {
    let mut map = std::collections::BTreeMap::new();
    for (k, v) in entries {
        map.insert(k, v);
    }
    map
}

/// A set built by inserting (see [`map_of`]).
pub fn set_of<T: Ord>(items: impl IntoIterator<Item = T>) -> std::collections::BTreeSet<T> {
    let mut set = std::collections::BTreeSet::new();
    for x in items {
        set.insert(x);
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The same order as the standard library's stable sort, ties included.
        #[test]
        fn same_as_std(v in proptest::collection::vec((0u8..5, 0u16..1000), 0..60)) {
            let mut ours = v.clone();
            let mut std = v.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            std.sort_by_key(|a| a.0);
            proptest::prop_assert_eq!(&ours, &std);
            let (mut a, mut b) = (v.clone(), v);
            sort(&mut a);
            b.sort();
            proptest::prop_assert_eq!(a, b);
        }
    }
}
