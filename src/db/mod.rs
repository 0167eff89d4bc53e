//! Live databases: connect, introspect into a [`Catalog`], lock, apply, history.

pub mod catalog;

pub use catalog::Catalog;
