//! The stand-alone `keyworks` command; everything is in the library (`run_cli`).

fn main() -> std::process::ExitCode {
    keyworks_cli::run_cli()
}
