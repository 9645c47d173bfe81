{
  description = "A Python project whose dev shell asks each user for their own keys and keeps .nix-venv in sync";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    flake-utils.url = "github:numtide/flake-utils";
    # Where envtools lives: change this to your copy of the repository.
    envtools.url = "github:envtools/envtools";
    envtools.inputs.nixpkgs.follows = "nixpkgs";
    envtools.inputs.flake-utils.follows = "flake-utils";
  };

  outputs = {
    self,
    nixpkgs,
    flake-utils,
    envtools,
  }:
    flake-utils.lib.eachDefaultSystem (system: {
      # `nix develop`: asks for the keys of .env.example that .env lacks (once), then opens
      # your shell inside .nix-venv, rebuilt only when requirements.txt changes. On Linux an
      # FHS env (binary wheels just work); on macOS the plain shell below.
      devShells.default = envtools.devShells.${system}.default;
      # The same start-up in the current shell, without an FHS env: what .envrc (direnv)
      # enters, and `nix develop .#plain`.
      devShells.plain = envtools.devShells.${system}.plain;
      packages.default = envtools.packages.${system}.default;
    });
}
