{
  description = "envtools: .env files, local LLMs and Python venvs from the shell (envget, envset, ollama-chat, venv-bootstrap)";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    flake-utils.url = "github:numtide/flake-utils";
  };

  outputs = { self, nixpkgs, flake-utils }:
    flake-utils.lib.eachDefaultSystem (system:
      let
        pkgs = import nixpkgs { inherit system; };
        tools = [ "envget" "envset" "venv-bootstrap" "ollama-chat" ];

        # The four binaries, their man pages and bash/zsh/fish completions.
        envtools = pkgs.rustPlatform.buildRustPackage {
          pname = "envtools";
          version = (builtins.fromTOML (builtins.readFile ./Cargo.toml)).workspace.package.version;
          src = pkgs.lib.cleanSource ./.;
          cargoLock.lockFile = ./Cargo.lock;
          nativeBuildInputs = [ pkgs.installShellFiles ];
          cargoBuildFlags = map (t: "--package=${t}") tools;
          # Unit tests here; the end-to-end suite needs a network-free Python and git setup
          # that the Nix sandbox does not give (CI runs it with `cargo test --workspace`).
          cargoTestFlags = (map (t: "--package=${t}") tools) ++ [ "--package=envfile" "--lib" "--bins" ];
          postInstall = pkgs.lib.concatMapStrings (t: ''
            $out/bin/${t} --generate man > ${t}.1
            installManPage ${t}.1
            installShellCompletion --cmd ${t} \
              --bash <($out/bin/${t} --generate complete-bash) \
              --zsh <($out/bin/${t} --generate complete-zsh) \
              --fish <($out/bin/${t} --generate complete-fish)
          '') tools;
          meta = {
            description = "Small composable tools for .env files, local LLMs and Python venvs";
            license = with pkgs.lib.licenses; [ mit asl20 ];
            mainProgram = "envget";
          };
        };

        # The Python dev shell: an FHS env (binary wheels from PyPI just work) whose start-up
        # runs nix/shell-hook.sh: ask for missing keys, then enter .nix-venv.
        pythonShell = pkgs.buildFHSEnv {
          name = "python-dev-shell";
          targetPkgs = p: (with p; [
            python3
            python3Packages.pip
            python3Packages.virtualenv
            cmake
            ninja
            gcc
            pre-commit
            git
            gnumake
            envtools
          ]) ++ p.pythonManylinuxPackages.manylinux2014;
          runScript = pkgs.writeShellScript "shell-hook" (builtins.readFile ./nix/shell-hook.sh);
        };
      in
      {
        packages.default = envtools;
        packages.envtools = envtools;

        apps = builtins.listToAttrs (map (t: {
          name = t;
          value = flake-utils.lib.mkApp { drv = envtools; name = t; };
        }) tools) // {
          default = flake-utils.lib.mkApp { drv = envtools; name = "envget"; };
        };

        devShells.default = pythonShell.env;
        devShells.rust = pkgs.mkShell {
          packages = with pkgs; [ cargo rustc clippy rustfmt rust-analyzer python3 git gnumake ];
        };

        checks.default = envtools;
      }) // {
      templates.default = {
        path = ./examples/python-project;
        description = "A Python project whose dev shell asks each user for their keys and keeps .nix-venv in sync";
      };
    };
}
