"""Ways into cpbatch: the CLI, the bot runner, the facade and the bundled ClassPlus simulator."""
