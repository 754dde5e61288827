//! The media bank: photos with their captions, credits and licences.
//!
//! - [`ingest`]: checks an upload by its content, refuses what is not a
//!   photo, strips private metadata by re-encoding, reads the credits;
//! - [`renditions`]: the sizes pages load, made by a background job.

pub mod ingest;
pub mod renditions;
