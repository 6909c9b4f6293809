//! Model of the ring (being written).
