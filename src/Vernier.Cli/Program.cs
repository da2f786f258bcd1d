using Vernier.Cli;

return await VernierApp.RunAsync(args, Console.Out, Console.Error);
