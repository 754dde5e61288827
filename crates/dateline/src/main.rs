//! `dateline`: the one binary that runs a Dateline site.
//!
//! - [`cli`] defines the commands and flags (with their `DATELINE_*`
//!   environment twins);
//! - [`config`] merges defaults, `dateline.toml`, environment and flags into
//!   [`config::Settings`];
//! - [`startup`] opens the store, applies migrations, loads demo content and
//!   serves HTTP until SIGTERM/SIGINT;
//! - [`demo`] writes the demo outlet ("Meridian") into an empty store;
//! - [`admin`] manages accounts and API tokens from the command line.

mod admin;
mod cli;
mod config;
mod demo;
mod listener;
mod live_connection;
mod startup;
mod telemetry;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Tests stop actions half-way through the store's failpoints, named in
    // the FAILPOINTS environment variable (only in builds made for them).
    #[cfg(feature = "failpoints")]
    let _failpoints = fail::FailScenario::setup();
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(startup::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line, the whole cause chain: what an operator paged at night needs.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
