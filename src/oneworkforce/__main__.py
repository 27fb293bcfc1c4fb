from oneworkforce.cli import main

main()
