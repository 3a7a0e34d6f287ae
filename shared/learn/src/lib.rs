//! The words of a message and the model learned from them. A crate of
//! its own, below `parlo-core`, because `parlo-core`'s build script
//! trains the model with the same code the product reads it with, and
//! so that the training is compiled optimised in every profile (see the
//! workspace's `Cargo.toml`).

pub mod bayes;
pub mod linear;
pub mod words;
