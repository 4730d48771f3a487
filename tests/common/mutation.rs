//! Byte-level mutations of a valid file, for the property tests' "never panics" cases.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;

/// A byte-level change to a file.
#[derive(Debug, Clone)]
pub enum Mutation {
    Set(Index, u8),
    Insert(Index, Vec<u8>),
    Delete(Index, usize),
    Truncate(Index),
}

/// A random mutation; `byte` gives the values `Set` writes (each format's tests favour the
/// bytes its walker branches on).
pub fn mutation(byte: impl Strategy<Value = u8>) -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<Index>(), byte).prop_map(|(i, b)| Mutation::Set(i, b)),
        2 => (any::<Index>(), vec(any::<u8>(), 1..16)).prop_map(|(i, v)| Mutation::Insert(i, v)),
        2 => (any::<Index>(), 1usize..32).prop_map(|(i, n)| Mutation::Delete(i, n)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
    ]
}

/// `data` with `mutations` applied in turn (stopping if it becomes empty).
pub fn mutate(mut data: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        if data.is_empty() {
            break;
        }
        match m {
            Mutation::Set(i, b) => {
                let at = i.index(data.len());
                data[at] = *b;
            }
            Mutation::Insert(i, v) => {
                let at = i.index(data.len() + 1);
                data.splice(at..at, v.iter().copied());
            }
            Mutation::Delete(i, n) => {
                let at = i.index(data.len());
                let end = (at + n).min(data.len());
                data.drain(at..end);
            }
            Mutation::Truncate(i) => data.truncate(i.index(data.len())),
        }
    }
    data
}
