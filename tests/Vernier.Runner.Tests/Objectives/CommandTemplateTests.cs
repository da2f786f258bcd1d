using Vernier.Runner.Objectives;

namespace Vernier.Runner.Tests.Objectives;

public class CommandTemplateTests
{
    private static readonly List<KeyValuePair<string, object?>> Params =
        [new("lr", 0.01), new("optimizer", "adam"), new("layers", 3L), new("use_bn", false), new("model.depth", 2.0)];

    private static List<string> Render(string[] command, CommandArgumentStyle style = CommandArgumentStyle.Flags) =>
        CommandTemplate.Parse(command).Render(7, "/runs/t7", Params, style);

    [Fact]
    public void Render_Flags_AppendsEveryParameterInOrder()
    {
        Render(["python3", "train.py"]).ShouldBe(
            ["python3", "train.py", "--lr=0.01", "--optimizer=adam", "--layers=3", "--use_bn=false", "--model.depth=2.0"]);
    }

    [Fact]
    public void Render_KeyValue_AppendsNameEqualsValue()
    {
        Render(["python3", "train.py"], CommandArgumentStyle.KeyValue).ShouldBe(
            ["python3", "train.py", "lr=0.01", "optimizer=adam", "layers=3", "use_bn=false", "model.depth=2.0"]);
    }

    [Fact]
    public void Render_Hydra_AppendsOverridesInHydraSyntax()
    {
        List<KeyValuePair<string, object?>> parameters =
            [new("model.depth", 2.0), new("opt", "adam"), new("tag", "4"), new("note", "a, b"), new("flag", "true"), new("lr", double.PositiveInfinity), new("none", null)];

        CommandTemplate.Parse(["python3", "train.py"]).Render(0, "/t", parameters, CommandArgumentStyle.Hydra).ShouldBe(
            ["python3", "train.py", "model.depth=2.0", "opt=adam", "tag='4'", "note='a, b'", "flag='true'", "lr=inf", "none=null"]);
    }

    [Fact]
    public void Render_ArgumentName_RenamesAppendedArgumentsButNotPlaceholders()
    {
        CommandTemplate.Parse(["train", "{lr}"]).Render(0, "/t", Params, CommandArgumentStyle.Hydra, null, name => name == "layers" ? "+model.layers" : "cfg." + name).ShouldBe(
            ["train", "0.01", "cfg.optimizer=adam", "+model.layers=3", "cfg.use_bn=false", "cfg.model.depth=2.0"]);
    }

    [Fact]
    public void Render_Placeholders_SubstituteAnywhereAndAreNotRepeatedAsFlags()
    {
        Render(["train", "--lr", "{lr}", "--out={trial_dir}/model-{trial_number}.pt", "{model.depth}x{layers}"]).ShouldBe(
            ["train", "--lr", "0.01", "--out=/runs/t7/model-7.pt", "2.0x3", "--optimizer=adam", "--use_bn=false"]);
    }

    [Fact]
    public void Render_StyleNone_AppendsNothing()
    {
        Render(["train", "{optimizer}"], CommandArgumentStyle.None).ShouldBe(["train", "adam"]);
    }

    [Fact]
    public void Render_EscapesAndShellAndJsonBraces_StayLiteral()
    {
        Render(["x", "{{lr}}", "${HOME}", "{\"a\": {\"b\": 1}}", "{ lr }", "{}", "}{"], CommandArgumentStyle.None)
            .ShouldBe(["x", "{lr}", "${HOME}", "{\"a\": {\"b\": 1}}", "{ lr }", "{}", "}{"]);
    }

    [Fact]
    public void Render_UnknownPlaceholder_FailsBeforeLaunchNamingIt()
    {
        var error = Should.Throw<CommandObjectiveException>(() => Render(["train", "--lr={lrr}"]));

        error.Message.ShouldContain("{lrr}");
        error.Message.ShouldContain("trial 7");
        error.Message.ShouldContain("{lr}");
        error.Message.ShouldContain("{trial_dir}");
    }

    [Fact]
    public void Render_ParameterShadowingBuiltIn_IsAnErrorWhenUsed()
    {
        var template = CommandTemplate.Parse(["train", "{trial_number}"]);

        Should.Throw<CommandObjectiveException>(() => template.Render(1, "/t", [new("trial_number", 5L)], CommandArgumentStyle.None))
            .Message.ShouldContain("rename the parameter");
    }

    [Fact]
    public void ParameterPlaceholders_ListsParameterNamesOnce()
    {
        CommandTemplate.Parse(["a", "{lr}", "{trial_dir}/{lr}", "{opt}{{x}}"]).ParameterPlaceholders.ShouldBe(["lr", "opt"]);
    }

    [Fact]
    public void Render_PopulationPlaceholders_SubstituteAndRenderEmptyWhenAbsent()
    {
        CommandTemplate template = CommandTemplate.Parse(["train", "--ckpt={checkpoint_dir}", "--resume={restore_from}", "--from={start_step}", "--to={end_step}"]);
        template.ParameterPlaceholders.ShouldBeEmpty();
        var builtIns = new Dictionary<string, string> { ["checkpoint_dir"] = "/runs/t7/checkpoint", ["restore_from"] = "/runs/t3/checkpoint", ["start_step"] = "10", ["end_step"] = "20" };
        template.Render(7, "/runs/t7", [], CommandArgumentStyle.None, builtIns)
            .ShouldBe(["train", "--ckpt=/runs/t7/checkpoint", "--resume=/runs/t3/checkpoint", "--from=10", "--to=20"]);
        template.Render(7, "/runs/t7", [], CommandArgumentStyle.None).ShouldBe(["train", "--ckpt=", "--resume=", "--from=", "--to="]);
    }

    private static readonly Dictionary<string, string> RunSeed = new() { ["seed"] = "42", ["run_index"] = "2" };

    [Fact]
    public void Render_RunSeedWithFlags_AppendsTheSeedAfterTheParameters()
    {
        CommandTemplate.Parse(["train"]).Render(7, "/t", [new("lr", 0.01)], CommandArgumentStyle.Flags, RunSeed).ShouldBe(["train", "--lr=0.01", "--seed=42"]);
    }

    [Fact]
    public void Render_RunSeedWithKeyValue_AppendsSeedEquals()
    {
        CommandTemplate.Parse(["train"]).Render(7, "/t", [new("lr", 0.01)], CommandArgumentStyle.KeyValue, RunSeed).ShouldBe(["train", "lr=0.01", "seed=42"]);
    }

    [Fact]
    public void Render_RunSeedWithStyleNone_AppendsNothing()
    {
        CommandTemplate.Parse(["train", "{seed}"]).Render(7, "/t", [new("lr", 0.01)], CommandArgumentStyle.None, RunSeed).ShouldBe(["train", "42"]);
        CommandTemplate.Parse(["train"]).Render(7, "/t", [], CommandArgumentStyle.None, RunSeed).ShouldBe(["train"]);
    }

    [Fact]
    public void Render_SeedPlaceholder_TakesTheSeedInsteadOfAppendingIt()
    {
        CommandTemplate.Parse(["train", "--rng={seed}", "--run={run_index}"]).Render(7, "/t", [new("lr", 0.01)], CommandArgumentStyle.Flags, RunSeed)
            .ShouldBe(["train", "--rng=42", "--run=2", "--lr=0.01"]);
    }

    [Fact]
    public void Render_SeedPlaceholderWithoutRunSeed_IsAnOrdinaryParameterPlaceholder()
    {
        CommandTemplate.Parse(["train", "--seed={seed}"]).Render(7, "/t", [new("seed", 3L)], CommandArgumentStyle.Flags).ShouldBe(["train", "--seed=3"]);
    }

    [Fact]
    public void Render_SeedPlaceholderWithoutRunSeedOrParameter_SaysWhenItIsFilled()
    {
        Should.Throw<CommandObjectiveException>(() => CommandTemplate.Parse(["train", "{seed}"]).Render(7, "/t", [], CommandArgumentStyle.Flags))
            .Message.ShouldEndWith("{seed} is filled only when the objective has 'repeats' or 'seeds'.");
    }

    [Fact]
    public void Render_ParameterNamedSeedAndARunSeed_IsRefused()
    {
        Should.Throw<CommandObjectiveException>(() => CommandTemplate.Parse(["train"]).Render(7, "/t", [new("seed", 3L)], CommandArgumentStyle.Flags, RunSeed))
            .Message.ShouldBe("trial 7 has both a parameter 'seed' and a run seed (repeats or seeds); rename the parameter, or drop 'seeds' and 'repeats'.");
    }
}
