use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cistern_backend::cli::Cli::parse();
    match cistern_backend::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cistern: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
