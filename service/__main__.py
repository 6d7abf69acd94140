from service.command import main

main()
