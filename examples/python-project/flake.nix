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

  outputs = { self, nixpkgs, flake-utils, envtools }:
    flake-utils.lib.eachDefaultSystem (system: {
      # `nix develop`: asks for the keys of .env.example that .env lacks (once), then opens
      # your shell inside .nix-venv, rebuilt only when requirements.txt changes.
      devShells.default = envtools.devShells.${system}.default;
      packages.default = envtools.packages.${system}.default;
    });
}
