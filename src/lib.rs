//! boucle: a Matrix bot that runs the working groups of an Assemblée Populaire.
//!
//! See `ARCHITECTURE.md` for the map: `core` decides, `store` remembers,
//! `matrix` talks to the homeserver, `engine` ties them so that every command
//! is applied at most once and answered exactly once.
#![recursion_limit = "256"]

pub mod config;
pub mod core;
pub mod devserver;
pub mod engine;
pub mod flood;
pub mod health;
pub mod i18n;
pub mod logging;
pub mod maintenance;
pub mod matrix;
pub mod metrics;
pub mod scheduler;
#[cfg(test)]
mod sequences;
pub mod store;
pub mod tasks;
#[cfg(test)]
mod upgrades;
pub mod web;
