from kunde_cli.cli.main import run

run()
