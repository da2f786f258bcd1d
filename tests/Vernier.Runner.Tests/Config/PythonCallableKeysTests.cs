using Vernier.Runner.Config;
using Vernier.Runner.Objectives;

namespace Vernier.Runner.Tests.Config;

/// <summary><c>objective.callable</c> as a Python function (<c>module:function</c>) beside a .NET method (<c>A.dll:Ns.Type.Method</c>), and <c>objective.python</c>.</summary>
public sealed class PythonCallableKeysTests
{
    private static StudyDefinition Parse(string objective) => StudyDefinitionLoader.Parse(
        $"space: {{ x: {{ type: float, low: 0, high: 1 }} }}\nobjective: {{ {objective} }}\n", "study.yaml");

    private static string ErrorOf(string objective) => Should.Throw<ConfigException>(() => Parse(objective)).Message;

    [Theory]
    [InlineData("train:objective", "train", "objective")]
    [InlineData("my_pkg.models.mlp:run_trial", "my_pkg.models.mlp", "run_trial")]
    [InlineData("dll:f", "dll", "f")]
    [InlineData("modèle:évaluer", "modèle", "évaluer")]
    public void Callable_ModuleAndFunction_IsAPythonCallableWithTheDefaults(string text, string module, string function)
    {
        ObjectiveDefinition objective = Parse($"callable: '{text}'").Objective;

        objective.PythonCallable.ShouldBe(new PythonCallableReference(module, function));
        objective.PythonCallable!.ToString().ShouldBe(text);
        objective.Callable.ShouldBeNull();
        objective.Command.ShouldBeNull();
        objective.RunsAsProcess.ShouldBeTrue();
        objective.Python.ShouldBeNull();
        objective.Metrics.ShouldBe(["value"]);
        objective.PassParameters.ShouldBe(CommandArgumentStyle.None);
    }

    [Theory]
    [InlineData("bin/Model.dll:Models.Mlp.Evaluate")]
    [InlineData("Model.DLL:Ns.T.M")]
    [InlineData("C:\\\\models\\\\Model.dll:Ns.T.M")]
    public void Callable_AssemblyEndingInDll_IsADotNetMethod(string text)
    {
        ObjectiveDefinition objective = Parse($"callable: \"{text}\"").Objective;

        objective.Callable.ShouldNotBeNull();
        objective.PythonCallable.ShouldBeNull();
        objective.RunsAsProcess.ShouldBeFalse();
    }

    [Fact]
    public void PythonCallable_TakesTheProcessKeys()
    {
        ObjectiveDefinition objective = Parse(
            "callable: 'train:objective', python: .venv/bin/python, metric: loss, env: { OMP_NUM_THREADS: 1 }, working_directory: src, " +
            "timeout: 30, grace_period: 2, constraints: [memory_excess], max_retries: 1, retry_on: [exit_code]").Objective;

        objective.Python.ShouldBe(".venv/bin/python");
        objective.Metrics.ShouldBe(["loss"]);
        objective.Environment["OMP_NUM_THREADS"].ShouldBe("1");
        objective.WorkingDirectory.ShouldBe("src");
        objective.GracePeriod.ShouldBe(TimeSpan.FromSeconds(2));
        objective.Constraints.ShouldBe(["memory_excess"]);
        objective.RetryOn.ShouldBe([CommandFailureClass.ExitCode]);
        StudyComposition.RetryPolicy(objective).ShouldNotBeNull();
    }

    [Theory]
    [InlineData("callable: 'train-x:objective'", "study.yaml:2:24: 'callable' must name a Python function or a .NET method, got 'train-x:objective'; write \"package.module:function\" (a dotted module name, a colon, a function) or \"path/to/Assembly.dll:Namespace.Type.Method\" (an assembly ending in .dll)")]
    [InlineData("callable: 'train:objective()'", "study.yaml:2:24: 'callable' must name a Python function or a .NET method, got 'train:objective()'")]
    [InlineData("callable: 'models/train.py:objective'", "got 'models/train.py:objective'; write \"package.module:function\"")]
    [InlineData("callable: 'train:objective', python: ''", "study.yaml:2:51: 'python' must not be empty")]
    [InlineData("callable: 'train:objective', pass_parameters: flags", "study.yaml:2:43: 'pass_parameters' does not apply to a Python callable; the function gets the parameters as a dict; remove the key")]
    [InlineData("callable: 'a.dll:T.M', python: python3", "study.yaml:2:37: 'python' applies only to a Python callable; a Python callable is written \"package.module:function\"; this one names a .NET assembly")]
    [InlineData("command: [python3, train.py], metric: loss, python: python3", "study.yaml:2:58: 'python' applies only to a Python callable; name the interpreter in the command itself, e.g. command: [.venv/bin/python, train.py]")]
    public void BadPythonCallable_IsAnErrorNamingTheKey(string objective, string expected) => ErrorOf(objective).ShouldContain(expected);

    [Fact]
    public void ConfigHash_ChangesWithThePythonCallableAndItsInterpreter()
    {
        string a = Parse("callable: 'train:objective'").ContentHash;

        Parse("callable: 'train:objective'").ContentHash.ShouldBe(a);
        Parse("callable: 'train:objective2'").ContentHash.ShouldNotBe(a);
        Parse("callable: 'train:objective', python: python3.12").ContentHash.ShouldNotBe(a);
    }
}
