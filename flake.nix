{
  description = "envtools: .env files, local LLMs and Python venvs from the shell (envget, envset, ollama-chat, venv-bootstrap)";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    flake-utils.url = "github:numtide/flake-utils";
  };

  outputs = {
    self,
    nixpkgs,
    flake-utils,
  }:
    flake-utils.lib.eachDefaultSystem (system: let
      pkgs = import nixpkgs {inherit system;};
      lib = pkgs.lib;
      tools = ["envget" "envset" "venv-bootstrap" "ollama-chat" "envscan"];
      summaries = {
        envget = "Read keys from .env files: values, whole-file exports, run a command with them";
        envset = "Write keys into .env losslessly, atomically and safely; hidden prompts for secrets";
        venv-bootstrap = "Keep the Python venv .nix-venv matching the requirements, then run a command in it";
        ollama-chat = "Chat with a local Ollama or OpenAI-compatible server: single-shot or REPL";
        envscan = "Find .env secret values in files, notebooks, staged changes and git history; redact streams";
      };

      # The four binaries, their man pages and bash/zsh/fish completions.
      envtools = pkgs.rustPlatform.buildRustPackage {
        pname = "envtools";
        version = (builtins.fromTOML (builtins.readFile ./Cargo.toml)).workspace.package.version;
        src = lib.cleanSource ./.;
        cargoLock.lockFile = ./Cargo.lock;
        nativeBuildInputs = [pkgs.installShellFiles];
        cargoBuildFlags = map (t: "--package=${t}") tools;
        # Unit tests here; the end-to-end suite needs a network-free Python and git setup
        # that the Nix sandbox does not give (CI runs it with `cargo test --workspace`).
        cargoTestFlags = (map (t: "--package=${t}") tools) ++ ["--package=envfile" "--lib" "--bins"];
        postInstall =
          lib.concatMapStrings (t: ''
            $out/bin/${t} --generate man > ${t}.1
            installManPage ${t}.1
            installShellCompletion --cmd ${t} \
              --bash <($out/bin/${t} --generate complete-bash) \
              --zsh <($out/bin/${t} --generate complete-zsh) \
              --fish <($out/bin/${t} --generate complete-fish)
          '')
          tools;
        meta = {
          description = "Small composable tools for .env files, local LLMs and Python venvs";
          license = with lib.licenses; [mit asl20];
          mainProgram = "envget";
        };
      };

      # What every Python dev shell holds, FHS or not.
      pythonTools = p:
        with p; [
          python3
          python3Packages.pip
          python3Packages.virtualenv
          cmake
          ninja
          git
          gnumake
          pre-commit
          # uv.lock projects need it, and venv-bootstrap's --installer auto prefers it.
          uv
          envtools
        ];

      # Linux: an FHS env, so that binary wheels from PyPI (manylinux) find their libraries.
      # Its run script is the exec form of the start-up (nix/shell-hook.sh sources
      # nix/startup.sh from the same folder, then execs the user's shell).
      fhsShell = pkgs.buildFHSEnv {
        name = "python-dev-shell";
        targetPkgs = p: pythonTools p ++ [p.gcc] ++ p.pythonManylinuxPackages.manylinux2014;
        runScript = pkgs.writeShellScript "envtools-start" ''
          exec ${pkgs.bash}/bin/bash ${./nix}/shell-hook.sh "$@"
        '';
      };

      # Every system: a plain mkShell whose shellHook sources the start-up in the current
      # shell (macOS, where there is no FHS env, and direnv users everywhere). On Linux it
      # lends manylinux wheels the two libraries they most often miss.
      plainShell = pkgs.mkShell {
        packages = pythonTools pkgs;
        env = lib.optionalAttrs pkgs.stdenv.isLinux {
          LD_LIBRARY_PATH = lib.makeLibraryPath [pkgs.stdenv.cc.cc.lib pkgs.zlib];
        };
        shellHook = ''
          . ${./nix/startup.sh}
        '';
      };

      app = t: {
        type = "app";
        program = "${envtools}/bin/${t}";
        meta.description = summaries.${t};
      };
    in {
      packages.default = envtools;
      packages.envtools = envtools;

      apps = lib.genAttrs tools app // {default = app "envget";};

      devShells.default =
        if pkgs.stdenv.isLinux
        then fhsShell.env
        else plainShell;
      devShells.plain = plainShell;
      devShells.rust = pkgs.mkShell {
        packages = with pkgs; [cargo rustc clippy rustfmt rust-analyzer python3 git gnumake];
      };

      checks.default = envtools;

      formatter = pkgs.alejandra;
    })
    // {
      templates.default = {
        path = ./examples/python-project;
        description = "A Python project whose dev shell asks each user for their keys and keeps .nix-venv in sync";
      };
    };
}
