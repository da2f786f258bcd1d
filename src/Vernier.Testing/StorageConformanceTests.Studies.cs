using Shouldly;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;
using Xunit;

namespace Vernier.Testing;

public abstract partial class StorageConformanceTests
{
    /// <summary>A created study is found by name and by id, with its directions and creation time.</summary>
    [Fact]
    public async Task CreateStudy_ThenFindAndGet_ReturnTheSameStudy()
    {
        IStorage storage = await NewStorageAsync();

        StudyRecord created = await storage.CreateStudyAsync("multi", [StudyDirection.Maximize, StudyDirection.Minimize], At(0));

        created.Name.ShouldBe("multi");
        created.Directions.ShouldBe([StudyDirection.Maximize, StudyDirection.Minimize]);
        ShouldBeSameInstant(created.CreatedAt, At(0));
        created.UserAttributes.ShouldBeEmpty();
        created.SystemAttributes.ShouldBeEmpty();
        TrialAssertions.ShouldMatch((await storage.FindStudyAsync("multi")).ShouldNotBeNull(), created, TimestampResolution);
        TrialAssertions.ShouldMatch(await storage.GetStudyAsync(created.StudyId), created, TimestampResolution);
    }

    /// <summary>A creation time with a non-zero offset is kept as the same instant.</summary>
    [Fact]
    public async Task CreateStudy_TimeWithOffset_KeepsTheInstant()
    {
        IStorage storage = await NewStorageAsync();
        DateTimeOffset local = At(0).ToOffset(TimeSpan.FromHours(5.5));

        StudyRecord created = await storage.CreateStudyAsync("s", [StudyDirection.Minimize], local);

        ShouldBeSameInstant((await storage.GetStudyAsync(created.StudyId)).CreatedAt, local);
    }

    /// <summary>A second study with a taken name is refused, and the first is untouched.</summary>
    [Fact]
    public async Task CreateStudy_DuplicateName_ThrowsAndKeepsTheFirst()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord first = await NewStudyAsync(storage, "dup");

        var error = await Should.ThrowAsync<DuplicateStudyException>(
            () => storage.CreateStudyAsync("dup", [StudyDirection.Maximize], At(5)));

        error.StudyName.ShouldBe("dup");
        (await storage.GetStudiesAsync()).Select(s => s.StudyId).ShouldBe([first.StudyId]);
        (await storage.GetStudyAsync(first.StudyId)).Directions.ShouldBe([StudyDirection.Minimize]);
    }

    /// <summary>Many callers creating the same name at once: exactly one wins.</summary>
    [Fact]
    public async Task CreateStudy_ConcurrentSameName_ExactlyOneSucceeds()
    {
        IStorage[] handles = await NewStorageHandlesAsync();
        int created = 0;
        int duplicates = 0;

        await RunConcurrentlyAsync(8, async w =>
        {
            try
            {
                await NewStudyAsync(handles[w % 2], "race");
                Interlocked.Increment(ref created);
            }
            catch (DuplicateStudyException)
            {
                Interlocked.Increment(ref duplicates);
            }
        });

        created.ShouldBe(1);
        duplicates.ShouldBe(7);
        (await handles[0].GetStudiesAsync()).Count.ShouldBe(1);
    }

    /// <summary>Blank or over-long names and empty direction lists are refused with <see cref="ArgumentException"/>.</summary>
    [Fact]
    public async Task CreateStudy_InvalidNameOrDirections_ThrowsArgumentException()
    {
        IStorage storage = await NewStorageAsync();

        await Should.ThrowAsync<ArgumentException>(() => storage.CreateStudyAsync(" ", [StudyDirection.Minimize], At(0)));
        await Should.ThrowAsync<ArgumentException>(() => storage.CreateStudyAsync(new string('x', 513), [StudyDirection.Minimize], At(0)));
        await Should.ThrowAsync<ArgumentException>(() => storage.CreateStudyAsync("s", [], At(0)));
        (await storage.GetStudiesAsync()).ShouldBeEmpty();
    }

    /// <summary>Looking up a name that does not exist returns null rather than throwing.</summary>
    [Fact]
    public async Task FindStudy_UnknownName_ReturnsNull()
    {
        IStorage storage = await NewStorageAsync();
        await NewStudyAsync(storage, "known");

        (await storage.FindStudyAsync("unknown")).ShouldBeNull();
        (await storage.FindStudyAsync("KNOWN")).ShouldBeNull();
    }

    /// <summary>Every study is listed, in creation order.</summary>
    [Fact]
    public async Task GetStudies_ListsAllInCreationOrder()
    {
        IStorage storage = await NewStorageAsync();
        (await storage.GetStudiesAsync()).ShouldBeEmpty();

        string[] names = ["zeta", "alpha", "mu"];
        List<StudyRecord> created = [];
        foreach (string name in names)
        {
            created.Add(await NewStudyAsync(storage, name));
        }

        IReadOnlyList<StudyRecord> studies = await storage.GetStudiesAsync();
        studies.Select(s => s.Name).ShouldBe(names);
        studies.Select(s => s.StudyId).ShouldBe(created.Select(s => s.StudyId));
        created.Select(s => s.StudyId).Distinct().Count().ShouldBe(3);
    }

    /// <summary>User and system attributes are separate maps; setting a key again replaces its value.</summary>
    [Fact]
    public async Task SetStudyAttribute_UserAndSystem_AreSeparateAndReplaceable()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);

        foreach ((string key, System.Text.Json.JsonElement value) in SampleData.UserAttributes())
        {
            await storage.SetStudyAttributeAsync(study.StudyId, AttributeScope.User, key, value);
        }

        foreach ((string key, System.Text.Json.JsonElement value) in SampleData.SystemAttributes())
        {
            await storage.SetStudyAttributeAsync(study.StudyId, AttributeScope.System, key, value);
        }

        StudyRecord expected = study with { UserAttributes = SampleData.UserAttributes(), SystemAttributes = SampleData.SystemAttributes() };
        TrialAssertions.ShouldMatch(await storage.GetStudyAsync(study.StudyId), expected, TimestampResolution);

        await storage.SetStudyAttributeAsync(study.StudyId, AttributeScope.User, "shared", SampleData.Json("[1,2]"));
        expected = expected with { UserAttributes = expected.UserAttributes.SetItem("shared", SampleData.Json("[1,2]")) };
        TrialAssertions.ShouldMatch(await storage.GetStudyAsync(study.StudyId), expected, TimestampResolution);
        TrialAssertions.ShouldMatch((await storage.GetStudiesAsync()).Single(), expected, TimestampResolution);
        TrialAssertions.ShouldMatch((await storage.FindStudyAsync(study.Name)).ShouldNotBeNull(), expected, TimestampResolution);
    }

    /// <summary>Deleting a study removes it and its trials, leaves other studies alone, and frees its name.</summary>
    [Fact]
    public async Task DeleteStudy_RemovesTheStudyAndItsTrialsOnly()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord doomed = await NewStudyAsync(storage, "doomed");
        StudyRecord kept = await NewStudyAsync(storage, "kept");
        await storage.SetStudyAttributeAsync(doomed.StudyId, AttributeScope.User, "k", SampleData.Json("1"));
        FrozenTrial doomedTrial = await storage.CreateTrialAsync(doomed.StudyId, Imported(TrialState.Complete));
        FrozenTrial doomedRunning = await NewRunningTrialAsync(storage, doomed.StudyId);
        await storage.RecordHeartbeatAsync(doomedRunning.TrialId, At(2));
        FrozenTrial keptTrial = await storage.CreateTrialAsync(kept.StudyId, Imported(TrialState.Complete));

        await storage.DeleteStudyAsync(doomed.StudyId);

        await Should.ThrowAsync<StudyNotFoundException>(() => storage.GetStudyAsync(doomed.StudyId));
        await Should.ThrowAsync<StudyNotFoundException>(() => storage.GetTrialsAsync(doomed.StudyId));
        await Should.ThrowAsync<TrialNotFoundException>(() => storage.GetTrialAsync(doomedTrial.TrialId));
        await Should.ThrowAsync<TrialNotFoundException>(() => storage.GetTrialAsync(doomedRunning.TrialId));
        (await storage.FindStudyAsync("doomed")).ShouldBeNull();
        (await storage.GetStudiesAsync()).Select(s => s.Name).ShouldBe(["kept"]);
        ShouldMatch(await storage.GetTrialAsync(keptTrial.TrialId), keptTrial);

        StudyRecord reborn = await NewStudyAsync(storage, "doomed");
        reborn.StudyId.ShouldNotBe(doomed.StudyId);
        reborn.UserAttributes.ShouldBeEmpty();
        (await storage.GetTrialsAsync(reborn.StudyId)).ShouldBeEmpty();
        (await NewRunningTrialAsync(storage, reborn.StudyId)).Number.ShouldBe(0);
    }
}
