use std::process::ExitCode;

fn main() -> ExitCode {
    lummo_krm::cli::main(&pgbouncer::Pgbouncer::default())
}
