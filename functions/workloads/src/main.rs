use std::process::ExitCode;

fn main() -> ExitCode {
    lummo_krm::function::main(workloads::Workloads::default())
}
