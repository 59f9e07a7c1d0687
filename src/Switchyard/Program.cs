return await Switchyard.Hosting.Cli.RunAsync(args);
