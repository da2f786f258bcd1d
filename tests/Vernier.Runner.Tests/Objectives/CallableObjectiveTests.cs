using Vernier.Runner.Objectives;
using Vernier.Runner.Tests.Support;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Tests.Objectives;

public sealed class CallableObjectiveTests : IDisposable
{
    private const string Samples = "Vernier.Runner.Tests.Support.SampleObjectives";
    private static readonly string AssemblyPath = typeof(SampleObjectives).Assembly.Location;
    private static readonly string AssemblyFile = Path.GetFileName(AssemblyPath);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("Quadratic", new[] { 10.0 })]
    [InlineData("TwoObjectives", new[] { 1.5, -2.5 })]
    [InlineData("ListOfValues", new[] { 0.25 })]
    [InlineData("WholeNumber", new[] { 7.0 })]
    [InlineData("ValueTaskResult", new[] { 4.5 })]
    [InlineData("AsyncValueTaskResult", new[] { 5.5 })]
    [InlineData("TaskOfArray", new[] { 1.0, 2.0 })]
    public async Task Load_SupportedStaticMethod_ReturnsItsValues(string method, double[] expected)
    {
        var objective = CallableObjective.Load($"{AssemblyPath}:{Samples}.{method}", _temp.Path);

        (await InvokeAsync(objective)).ShouldBe(expected);
    }

    [Fact]
    public async Task Load_StaticMethod_SuggestsOnTheTrialItIsGiven()
    {
        var objective = CallableObjective.Load($"{AssemblyPath}:{Samples}.Quadratic", _temp.Path);
        await using Study study = await NewStudy();
        Trial trial = await study.AskAsync();

        await objective(trial, CancellationToken.None);

        (await study.GetTrialAsync(trial.Number)).Params.ShouldBe(new Dictionary<string, object?> { ["x"] = 3.0 });
    }

    [Fact]
    public async Task Load_InstanceMethodWithToken_CreatesTheTypeAndPassesTheToken()
    {
        var objective = CallableObjective.Load($"{AssemblyPath}:Vernier.Runner.Tests.Support.InstanceObjectives.WithToken", _temp.Path);

        (await InvokeAsync(objective)).ShouldBe([42.0]);
        (await InvokeAsync(objective, new CancellationToken(canceled: true))).ShouldBe([-1.0]);
    }

    [Fact]
    public async Task Load_OverloadsWithAndWithoutToken_PrefersTheOneTakingTheToken()
    {
        var objective = CallableObjective.Load($"{AssemblyPath}:{Samples}.Overloaded", _temp.Path);

        (await InvokeAsync(objective)).ShouldBe([2.0]);
    }

    [Fact]
    public async Task Load_RelativeAssemblyPath_IsResolvedAgainstTheBaseDirectory()
    {
        var objective = CallableObjective.Load($"{AssemblyFile}:{Samples}.WholeNumber", Path.GetDirectoryName(AssemblyPath)!);

        (await InvokeAsync(objective)).ShouldBe([7.0]);
    }

    [Fact]
    public async Task Load_InAStudy_RunsAsItsObjective()
    {
        await using Study study = await NewStudy(StudyDirection.Minimize, StudyDirection.Maximize);

        await study.OptimizeAsync(CallableObjective.Load($"{AssemblyPath}:{Samples}.TwoObjectives", _temp.Path), new OptimizeOptions { NTrials = 2 });

        (await study.GetTrialsAsync()).Select(t => t.Values.ToArray()).ShouldBe([[1.5, -2.5], [2.5, -2.5]]);
    }

    [Fact]
    public async Task Invoke_MethodThrows_PropagatesTheExceptionUnwrapped()
    {
        var objective = CallableObjective.Load($"{AssemblyPath}:{Samples}.Throws", _temp.Path);

        var error = await Should.ThrowAsync<InvalidOperationException>(() => InvokeAsync(objective));

        error.Message.ShouldBe("sample failure in Throws");
        error.StackTrace.ShouldNotBeNull().ShouldContain("SampleObjectives.Throws"); // the original stack, not the invoker's
    }

    [Fact]
    public async Task Invoke_AsyncMethodThrows_PropagatesTheExceptionUnwrapped()
    {
        var objective = CallableObjective.Load($"{AssemblyPath}:{Samples}.ThrowsAsync", _temp.Path);

        var error = await Should.ThrowAsync<FormatException>(() => InvokeAsync(objective));

        error.Message.ShouldBe("sample failure in ThrowsAsync");
    }

    [Fact]
    public async Task Invoke_MethodThrowsInAStudy_RecordsTheOriginalException()
    {
        await using Study study = await NewStudy();

        await study.OptimizeAsync(CallableObjective.Load($"{AssemblyPath}:{Samples}.Throws", _temp.Path), new OptimizeOptions { NTrials = 1 });

        (await study.GetTrialsAsync()).Single().FailReason.ShouldBe("the objective threw InvalidOperationException: sample failure in Throws");
    }

    [Fact]
    public async Task Invoke_MethodReturnsNull_FailsTheTrialWithAReason()
    {
        var objective = CallableObjective.Load($"{AssemblyPath}:{Samples}.ReturnsNull", _temp.Path);

        (await Should.ThrowAsync<TrialFailedException>(() => InvokeAsync(objective))).Message.ShouldBe("the objective returned null.");
    }

    [Theory]
    [InlineData("no-colon-at-all")]
    [InlineData(":Ns.Type.Method")]
    [InlineData("a.dll:TypeWithoutMethod")]
    [InlineData("a.dll:Ns.Type.")]
    [InlineData("a.dll:.Method")]
    public void Load_MalformedSpecification_SaysWhatItShouldLookLike(string specification) =>
        Should.Throw<CommandObjectiveException>(() => CallableObjective.Load(specification, _temp.Path)).Message
            .ShouldBe($"callable '{specification}' must look like \"path/to/Assembly.dll:Namespace.Type.Method\".");

    [Fact]
    public void Load_MissingAssemblyFile_NamesTheFullPath()
    {
        var error = Should.Throw<CommandObjectiveException>(() => CallableObjective.Load("bin/Model.dll:Models.Mlp.Evaluate", _temp.Path));

        error.Message.ShouldBe($"callable 'bin/Model.dll:Models.Mlp.Evaluate': the assembly {_temp.Combine("bin", "Model.dll")} does not exist (build it first?).");
    }

    [Fact]
    public void Load_UnknownType_NamesTypeAndAssembly()
    {
        string specification = $"{AssemblyPath}:Vernier.Runner.Tests.Support.Nope.Evaluate";

        var error = Should.Throw<CommandObjectiveException>(() => CallableObjective.Load(specification, _temp.Path));

        error.Message.ShouldBe($"callable '{specification}': no type 'Vernier.Runner.Tests.Support.Nope' in {AssemblyFile}.");
    }

    [Fact]
    public void Load_UnknownMethod_SaysWhatShapeIsNeeded()
    {
        string specification = $"{AssemblyPath}:{Samples}.Nope";

        var error = Should.Throw<CommandObjectiveException>(() => CallableObjective.Load(specification, _temp.Path));

        error.Message.ShouldBe(
            $"callable '{specification}': {Samples} has no public method 'Nope' taking (Trial) or (Trial, CancellationToken) "
            + "and returning a number, numbers, or a Task of them.");
    }

    [Theory]
    [InlineData("WrongSignature", "Double WrongSignature(System.String)")]
    [InlineData("WrongReturn", "System.String WrongReturn(Vernier.Trials.Trial)")]
    public void Load_MethodOfTheWrongShape_ListsWhatWasFound(string method, string found)
    {
        string specification = $"{AssemblyPath}:{Samples}.{method}";

        var error = Should.Throw<CommandObjectiveException>(() => CallableObjective.Load(specification, _temp.Path));

        error.Message.ShouldBe(
            $"callable '{specification}': {Samples} has no public method '{method}' taking (Trial) or (Trial, CancellationToken) "
            + $"and returning a number, numbers, or a Task of them (found: {found}).");
    }

    [Fact]
    public void Load_InstanceMethodOnTypeWithoutParameterlessConstructor_SaysSo()
    {
        const string Type = "Vernier.Runner.Tests.Support.NoDefaultConstructorObjectives";
        string specification = $"{AssemblyPath}:{Type}.Evaluate";

        var error = Should.Throw<CommandObjectiveException>(() => CallableObjective.Load(specification, _temp.Path));

        error.Message.ShouldBe($"callable '{specification}': {Type}.Evaluate is an instance method, but {Type} has no public parameterless constructor.");
    }

    private static async Task<IReadOnlyList<double>> InvokeAsync(
        Func<Trial, CancellationToken, Task<IReadOnlyList<double>>> objective, CancellationToken cancellationToken = default)
    {
        await using Study study = await NewStudy();
        Trial trial = await study.AskAsync(cancellationToken: CancellationToken.None);
        return await objective(trial, cancellationToken);
    }

    private static Task<Study> NewStudy(params StudyDirection[] directions) =>
        Study.Builder($"callable-{Guid.NewGuid():N}").UseStorage(new InMemoryStorage())
            .WithDirections(directions.Length == 0 ? [StudyDirection.Minimize] : directions).WithSeed(1).CreateAsync();
}
