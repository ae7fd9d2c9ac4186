from encaisse.cli import main

main()
