//! `plansite serve`: preview the plan in a browser, rebuilt and reloaded on every change.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use crate::commands::USAGE_OR_IO;
use crate::serve::Options;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The plan folder (the one with plan.toml).
    #[arg(default_value = ".")]
    pub plan: PathBuf,
    /// The port to listen on; 0 picks a free one (printed at start).
    #[arg(short, long, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on. Anything but a loopback address shows the plan to the network.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Poll the files for changes instead of relying on file-system events (network drives,
    /// containers, some virtual machines).
    #[arg(long)]
    pub poll: bool,
}

/// Runs until the process is stopped; returns only the exit code of a failed start.
pub fn run(args: &Args, quiet: bool) -> u8 {
    let opts = Options {
        plan: args.plan.clone(),
        bind: args.bind,
        port: args.port,
        open: args.open,
        poll: args.poll,
        quiet,
    };
    match crate::serve::run(&opts) {
        Ok(()) => crate::commands::OK,
        Err(e) => {
            eprintln!("error: {e}");
            USAGE_OR_IO
        }
    }
}
