//! The command line: parses arguments, calls the library, maps outcomes to exit codes.
//! Exit codes: 0 success, 1 the plan has errors, 2 usage or I/O errors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use plansite::commands;

// jemalloc, with plansite's options (see src/allocator.rs).
plansite::global_allocator!();

#[derive(Parser)]
#[command(name = "plansite", version, propagate_version = true, about = "Publish an operational plan as a linked static site", long_about = None)]
struct Cli {
    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site from a plan folder.
    Build {
        /// The plan folder (the one with plan.toml).
        #[arg(default_value = ".")]
        plan: PathBuf,
        /// Where to write the site [default: PLAN/public].
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Print the time of each phase and the peak memory at its end.
        #[arg(long)]
        timings: bool,
    },
    /// Check a plan and report every problem, without writing anything.
    Check(commands::check::Args),
    /// Preview the plan: build it in memory, serve it, rebuild and reload on every change.
    Serve(commands::serve::Args),
    /// Start a new plan: write a small starter plan, with comments that teach the format.
    New(commands::new::Args),
    /// Export the resolved plan and every computed figure as JSON or CSV.
    Export(commands::export::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build {
            plan,
            output,
            timings,
        } => commands::build::run(&plan, output.as_deref(), timings, cli.quiet),
        Command::Check(args) => commands::check::run(&args, cli.quiet),
        Command::Serve(args) => commands::serve::run(&args, cli.quiet),
        Command::New(args) => commands::new::run(&args, cli.quiet),
        Command::Export(args) => commands::export::run(&args, cli.quiet),
    };
    ExitCode::from(code)
}
