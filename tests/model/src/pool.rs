//! Model of the pool (being written).
