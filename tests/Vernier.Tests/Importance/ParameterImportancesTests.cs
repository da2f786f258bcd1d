using Vernier.Importance;
using Vernier.Importance.PedAnova;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Importance;

public class ParameterImportancesTests
{
    /// <summary>A study of 150 random trials over x, y, z in [0, 1]; <paramref name="objective"/> gives the values.</summary>
    private static async Task<Study> StudyAsync(Func<double, double, double, double[]> objective, params StudyDirection[] directions)
    {
        Study study = await Study.Builder("importance").UseStorage(new InMemoryStorage(), ownsStorage: true)
            .WithDirections(directions.Length == 0 ? [StudyDirection.Minimize] : directions).WithSeed(7).CreateAsync();
        for (int i = 0; i < 150; i++)
        {
            Trial trial = await study.AskAsync();
            double x = trial.SuggestFloat("x", 0, 1), y = trial.SuggestFloat("y", 0, 1), z = trial.SuggestFloat("z", 0, 1);
            await study.TellAsync(trial, objective(x, y, z));
        }

        return study;
    }

    [Fact]
    public async Task EvaluateAsync_ByDefault_RanksWithPedAnova_DominantFirst()
    {
        await using Study study = await StudyAsync((x, y, z) => [(10 * x) + y]);

        IReadOnlyList<ParameterImportance> result = await ParameterImportances.EvaluateAsync(study);

        result.Select(p => p.Name).ShouldBe(["x", "y", "z"]);
        result.ShouldBe(new PedAnovaImportanceEvaluator().Evaluate(new ImportanceRequest { Trials = await study.GetTrialsAsync() }));
    }

    [Fact]
    public async Task EvaluateAsync_TakesTheDirectionFromTheStudy()
    {
        // Low values are decided by x, high values by y.
        static double[] Objective(double x, double y, double z) => [x < 0.5 ? 0.01 * x : 1 + y];
        await using Study minimizing = await StudyAsync(Objective, StudyDirection.Minimize);
        await using Study maximizing = await StudyAsync(Objective, StudyDirection.Maximize);

        (await ParameterImportances.EvaluateAsync(minimizing))[0].Name.ShouldBe("x");
        (await ParameterImportances.EvaluateAsync(maximizing))[0].Name.ShouldBe("y");
    }

    [Fact]
    public async Task EvaluateAsync_ObjectiveIndex_RanksForThatObjective()
    {
        await using Study study = await StudyAsync((x, y, z) => [x, -z], StudyDirection.Minimize, StudyDirection.Maximize);

        (await ParameterImportances.EvaluateAsync(study, objectiveIndex: 0))[0].Name.ShouldBe("x");
        (await ParameterImportances.EvaluateAsync(study, objectiveIndex: 1))[0].Name.ShouldBe("z");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2)]
    public async Task EvaluateAsync_ObjectiveIndexOutOfRange_Throws(int index)
    {
        await using Study study = await StudyAsync((x, y, z) => [x, z], StudyDirection.Minimize, StudyDirection.Minimize);

        var error = await Should.ThrowAsync<ArgumentException>(() => ParameterImportances.EvaluateAsync(study, objectiveIndex: index));

        error.ParamName.ShouldBe("objectiveIndex");
        error.Message.ShouldContain("has 2 objective(s)");
    }

    [Fact]
    public async Task EvaluateAsync_NamedParameters_RanksOnlyThose_WithTheGivenEvaluator()
    {
        await using Study study = await StudyAsync((x, y, z) => [(10 * x) + y]);
        var evaluator = new PedAnovaImportanceEvaluator(new PedAnovaOptions { TargetQuantile = 0.2 });

        IReadOnlyList<ParameterImportance> result = await ParameterImportances.EvaluateAsync(study, evaluator, parameters: ["z", "y"]);

        result.Select(p => p.Name).ShouldBe(["y", "z"]);
    }

    [Fact]
    public async Task EvaluateAsync_StudyWithoutTrials_GivesNoImportances()
    {
        await using Study study = await Study.Builder("empty").UseStorage(new InMemoryStorage(), ownsStorage: true).CreateAsync();

        (await ParameterImportances.EvaluateAsync(study)).ShouldBeEmpty();
    }
}
