// The engine's runner with steps written in the test: ordering, parallelism, failure and retry,
// skipping, resume from saved state, dry runs and cleanup.
#include "engine/creation_tag.h"
#include "engine/runner.h"
#include "support/wait.h"

#include <gtest/gtest.h>

#include <QFile>
#include <QSet>
#include <QTemporaryDir>
#include <QTimer>

using namespace dcr::engine;

namespace {

dcr::Error failure(const QString& what) {
    dcr::Error e;
    e.code = QStringLiteral("test_failure");
    e.what = what;
    e.remedy = QStringLiteral("Try again.");
    e.retryable = true;
    return e;
}

// A step that answers after delayMs with the given outcome and records when it ran.
const QString kThing = QStringLiteral("thing");
// A Konnect token a service might echo in an error message.
constexpr char kEchoedToken[] = "kpat_EchoedByTheService0123456789abcdefXYZ";

struct Recorder {
    QStringList started;
    QStringList removedIds;
    QStringList finished;
    QHash<QString, int> calls;
    QHash<QString, int> failuresLeft;  // how many more times the step fails before succeeding

    Step step(const QString& id, QStringList deps, int delayMs = 10, Outcome outcome = Outcome::Created, bool optional = false) {
        Step s;
        s.id = id;
        s.title = QStringLiteral("Step %1").arg(id);
        s.dependsOn = std::move(deps);
        s.optional = optional;
        s.apply = [this, id, delayMs, outcome](Context& ctx, StepDone done) {
            started << id;
            ++calls[id];
            QTimer::singleShot(delayMs, [this, id, outcome, done, &ctx] {
                finished << id;
                if (failuresLeft.value(id) > 0) {
                    --failuresLeft[id];
                    done(StepResult::failed(failure(QStringLiteral("%1 failed: the service said %2").arg(id, QString::fromLatin1(kEchoedToken)))));
                    return;
                }
                ctx.setSecret(QStringLiteral("secret"), QStringLiteral("super-secret-value"));
                // What a step makes is recorded the moment it exists, as the blueprints do.
                if (outcome == Outcome::Created)
                    recordCreated(ctx, kThing, id + QStringLiteral("-123"), id, id);
                done(StepResult::done(outcome, QStringLiteral("%1 done").arg(id), {{id + QStringLiteral("_id"), id + QStringLiteral("-123")}}));
            });
        };
        s.inspect = [id](Context&, StepDone done) { done(StepResult::done(Outcome::WouldCreate, QStringLiteral("would create %1").arg(id))); };
        s.cleanup = [this, id](Context& ctx, StepDone done) {
            const RemoveOne remove = [this](Context&, const ObjectRecord& object, Removed removed) {
                started << QStringLiteral("cleanup:") + object.step;
                removedIds << object.id;
                removed(std::nullopt, QStringLiteral("removed %1").arg(object.id));
            };
            removeCreated(ctx, id, kThing, remove, [done](const std::optional<dcr::Error>& e, const QStringList& said) {
                done(e ? StepResult::failed(*e) : StepResult::done(Outcome::Verified, said.join(QLatin1Char(' '))));
            });
        };
        return s;
    }
};

class RunnerTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(dir.isValid());
        profile.azure.tenant = QStringLiteral("contoso.onmicrosoft.com");
    }
    bool run(Runner& runner, Runner::Mode mode, bool* ok) {
        std::optional<bool> result;
        auto c = QObject::connect(&runner, &Runner::finished, [&](bool r) { result = r; });
        runner.start(mode);
        const bool done = dcr::test::waitUntil([&] { return result.has_value(); });
        QObject::disconnect(c);
        *ok = result.value_or(false);
        return done;
    }
    bool waitFinished(Runner& runner, bool* ok, const std::function<void()>& action) {
        std::optional<bool> result;
        auto c = QObject::connect(&runner, &Runner::finished, [&](bool r) { result = r; });
        action();
        const bool done = dcr::test::waitUntil([&] { return result.has_value(); });
        QObject::disconnect(c);
        *ok = result.value_or(false);
        return done;
    }
    QString statePath() const { return dir.filePath(QStringLiteral("state.json")); }

    QTemporaryDir dir;
    dcr::Profile profile;
    Recorder rec;
};

TEST_F(RunnerTest, DependencyOrderRejectsUnknownIdsAndCycles) {
    QString error;
    Plan plan{rec.step(QStringLiteral("a"), {QStringLiteral("b")}), rec.step(QStringLiteral("b"), {QStringLiteral("a")})};
    EXPECT_TRUE(dependencyOrder(plan, &error).isEmpty());
    EXPECT_TRUE(error.contains(QStringLiteral("cycle")));
    Plan unknown{rec.step(QStringLiteral("a"), {QStringLiteral("zzz")})};
    EXPECT_TRUE(dependencyOrder(unknown, &error).isEmpty());
    EXPECT_TRUE(error.contains(QStringLiteral("zzz")));
}

TEST_F(RunnerTest, IndependentStepsRunInParallelAndDependentsWait) {
    Context ctx(profile);
    RunState state(statePath());
    Runner runner({rec.step(QStringLiteral("a"), {}, 100), rec.step(QStringLiteral("b"), {}, 100),
                   rec.step(QStringLiteral("c"), {QStringLiteral("a"), QStringLiteral("b")}, 10)},
                  ctx, &state);
    bool ok = false;
    ASSERT_TRUE(run(runner, Runner::Mode::Apply, &ok));
    EXPECT_TRUE(ok);
    // a and b both started before either finished; c only after both.
    ASSERT_EQ(rec.started.size(), 3);
    EXPECT_EQ(QSet<QString>(rec.started.begin(), rec.started.begin() + 2), (QSet<QString>{QStringLiteral("a"), QStringLiteral("b")}));
    EXPECT_EQ(rec.started.at(2), QStringLiteral("c"));
    EXPECT_EQ(ctx.output(QStringLiteral("c_id")), QStringLiteral("c-123"));
}

TEST_F(RunnerTest, AFailureStopsNewStepsAndRetryContinues) {
    Context ctx(profile);
    RunState state(statePath());
    rec.failuresLeft[QStringLiteral("b")] = 1;
    Runner runner({rec.step(QStringLiteral("a"), {}), rec.step(QStringLiteral("b"), {QStringLiteral("a")}),
                   rec.step(QStringLiteral("c"), {QStringLiteral("b")})},
                  ctx, &state);
    bool ok = true;
    ASSERT_TRUE(run(runner, Runner::Mode::Apply, &ok));
    EXPECT_FALSE(ok);
    EXPECT_EQ(runner.status(QStringLiteral("b")), StepStatus::Failed);
    EXPECT_EQ(runner.status(QStringLiteral("c")), StepStatus::Pending);
    EXPECT_TRUE(runner.result(QStringLiteral("b")).error->what.startsWith(QStringLiteral("b failed")));

    ASSERT_TRUE(waitFinished(runner, &ok, [&] { runner.retry(); }));
    EXPECT_TRUE(ok);
    EXPECT_EQ(rec.calls.value(QStringLiteral("a")), 1);
    EXPECT_EQ(rec.calls.value(QStringLiteral("b")), 2);
    EXPECT_EQ(rec.calls.value(QStringLiteral("c")), 1);
}

TEST_F(RunnerTest, OnlyOptionalStepsCanBeSkipped) {
    Context ctx(profile);
    RunState state(statePath());
    rec.failuresLeft[QStringLiteral("opt")] = 5;
    rec.failuresLeft[QStringLiteral("req")] = 5;
    Runner runner({rec.step(QStringLiteral("opt"), {}, 10, Outcome::Created, true),
                   rec.step(QStringLiteral("after"), {QStringLiteral("opt")})},
                  ctx, &state);
    bool ok = true;
    ASSERT_TRUE(run(runner, Runner::Mode::Apply, &ok));
    EXPECT_FALSE(ok);
    ASSERT_TRUE(waitFinished(runner, &ok, [&] { EXPECT_TRUE(runner.skip(QStringLiteral("opt"))); }));
    EXPECT_TRUE(ok);
    EXPECT_EQ(runner.status(QStringLiteral("opt")), StepStatus::Skipped);
    EXPECT_EQ(runner.status(QStringLiteral("after")), StepStatus::Done);

    Runner required({rec.step(QStringLiteral("req"), {})}, ctx, nullptr);
    ASSERT_TRUE(run(required, Runner::Mode::Apply, &ok));
    EXPECT_FALSE(required.skip(QStringLiteral("req")));
}

TEST_F(RunnerTest, ResumeDoesNotRepeatWhatIsDoneAndStateHoldsNoSecret) {
    {
        Context ctx(profile);
        RunState state(statePath());
        rec.failuresLeft[QStringLiteral("b")] = 1;
        Runner runner({rec.step(QStringLiteral("a"), {}), rec.step(QStringLiteral("b"), {QStringLiteral("a")})}, ctx, &state);
        bool ok = true;
        ASSERT_TRUE(run(runner, Runner::Mode::Apply, &ok));
        EXPECT_FALSE(ok);
    }
    QFile saved(statePath());
    ASSERT_TRUE(saved.open(QIODevice::ReadOnly));
    const QByteArray contents = saved.readAll();
    EXPECT_TRUE(contents.contains("a-123"));
    EXPECT_FALSE(contents.contains("super-secret-value"));
    EXPECT_FALSE(contents.contains(kEchoedToken)) << "a service's words quoted in a summary reach the file unredacted";
    EXPECT_EQ(saved.permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup), QFileDevice::Permissions());

    // A new process: loads the state, runs only b, and still knows a's outputs.
    Context ctx(profile);
    RunState state(statePath());
    QString error;
    ASSERT_TRUE(state.load(&error)) << error.toStdString();
    Runner runner({rec.step(QStringLiteral("a"), {}), rec.step(QStringLiteral("b"), {QStringLiteral("a")})}, ctx, &state);
    bool ok = false;
    ASSERT_TRUE(run(runner, Runner::Mode::Apply, &ok));
    EXPECT_TRUE(ok);
    EXPECT_EQ(rec.calls.value(QStringLiteral("a")), 1);
    EXPECT_EQ(rec.calls.value(QStringLiteral("b")), 2);
    EXPECT_EQ(ctx.output(QStringLiteral("a_id")), QStringLiteral("a-123"));
}

TEST_F(RunnerTest, CleanupRemovesOnlyWhatThisToolCreatedInReverseOrder) {
    Context ctx(profile);
    RunState state(statePath());
    Runner runner({rec.step(QStringLiteral("app"), {}), rec.step(QStringLiteral("adopted"), {QStringLiteral("app")}, 10, Outcome::Adopted),
                   rec.step(QStringLiteral("provider"), {QStringLiteral("app")}),
                   rec.step(QStringLiteral("strategy"), {QStringLiteral("provider")})},
                  ctx, &state);
    bool ok = false;
    ASSERT_TRUE(run(runner, Runner::Mode::Apply, &ok));
    ASSERT_TRUE(ok);
    rec.started.clear();

    Context fresh(profile);
    RunState loaded(statePath());
    QString error;
    ASSERT_TRUE(loaded.load(&error));
    Runner cleaner(runner.plan(), fresh, &loaded);
    ASSERT_TRUE(run(cleaner, Runner::Mode::Cleanup, &ok));
    EXPECT_TRUE(ok);
    EXPECT_EQ(rec.started, (QStringList{QStringLiteral("cleanup:strategy"), QStringLiteral("cleanup:provider"), QStringLiteral("cleanup:app")}));
    EXPECT_FALSE(QFile::exists(statePath()));
}

TEST_F(RunnerTest, AdoptingWhatAnEarlierRunCreatedKeepsItCleanable) {
    Context ctx(profile);
    RunState state(statePath());
    {
        Runner first({rec.step(QStringLiteral("app"), {})}, ctx, &state);
        bool ok = false;
        ASSERT_TRUE(run(first, Runner::Mode::Apply, &ok));
    }
    state.steps[QStringLiteral("app")].status = QStringLiteral("failed");  // force it to run again
    Runner second({rec.step(QStringLiteral("app"), {}, 10, Outcome::Adopted)}, ctx, &state);
    bool ok = false;
    ASSERT_TRUE(run(second, Runner::Mode::Apply, &ok));
    EXPECT_TRUE(state.ownership.isCreated(kThing, QStringLiteral("app-123")));
}

// The tag a setup puts on what it creates is on disk before its first request, stays the same
// when the run resumes in a new process, and goes with the state once everything is cleaned up.
TEST_F(RunnerTest, TheCreationTagIsSavedBeforeTheFirstStepAndKeptAcrossResumes) {
    QString tagOnDiskWhenTheStepRan;
    std::optional<bool> aKnownAsCreatedWhenBRan;
    Step a = rec.step(QStringLiteral("a"), {});
    const StepAction applyA = a.apply;
    a.apply = [&, applyA](Context& ctx, StepDone done) {
        RunState onDisk(statePath());
        QString error;
        EXPECT_TRUE(onDisk.load(&error)) << error.toStdString();
        tagOnDiskWhenTheStepRan = onDisk.creationTag;
        EXPECT_EQ(ctx.creationTag, onDisk.creationTag);
        applyA(ctx, done);
    };
    Step b = rec.step(QStringLiteral("b"), {QStringLiteral("a")});
    const StepAction applyB = b.apply;
    b.apply = [&, applyB](Context& ctx, StepDone done) {
        aKnownAsCreatedWhenBRan = ctx.ownership.isCreated(kThing, QStringLiteral("a-123"));
        applyB(ctx, done);
    };
    rec.failuresLeft[QStringLiteral("b")] = 1;
    {
        Context ctx(profile);
        RunState state(statePath());
        Runner runner({a, b}, ctx, &state);
        bool ok = true;
        ASSERT_TRUE(run(runner, Runner::Mode::Apply, &ok));
        EXPECT_FALSE(ok);
    }
    EXPECT_EQ(tagOnDiskWhenTheStepRan.size(), 24);
    EXPECT_EQ(aKnownAsCreatedWhenBRan, std::optional<bool>(true));

    Context ctx(profile);
    RunState state(statePath());
    QString error;
    ASSERT_TRUE(state.load(&error));
    EXPECT_EQ(state.creationTag, tagOnDiskWhenTheStepRan);
    Runner resumed({a, b}, ctx, &state);
    bool ok = false;
    aKnownAsCreatedWhenBRan.reset();
    ASSERT_TRUE(run(resumed, Runner::Mode::Apply, &ok));
    EXPECT_TRUE(ok);
    EXPECT_EQ(ctx.creationTag, tagOnDiskWhenTheStepRan);
    EXPECT_EQ(aKnownAsCreatedWhenBRan, std::optional<bool>(true)) << "what the first process created is known to the second";
    EXPECT_NE(RunState::newCreationTag(), RunState::newCreationTag());

    Runner cleaner(resumed.plan(), ctx, &state);
    ASSERT_TRUE(run(cleaner, Runner::Mode::Cleanup, &ok));
    EXPECT_TRUE(state.creationTag.isEmpty());
    EXPECT_FALSE(QFile::exists(statePath()));
}

TEST_F(RunnerTest, DryRunInspectsAndSavesNothing) {
    Plan plan{rec.step(QStringLiteral("a"), {}), rec.step(QStringLiteral("b"), {QStringLiteral("a")})};
    {
        Context ctx(profile);
        RunState state(statePath());
        Runner first(plan, ctx, &state);
        bool ok = false;
        ASSERT_TRUE(run(first, Runner::Mode::Apply, &ok));
        ASSERT_TRUE(ok);
    }
    QFile saved(statePath());
    ASSERT_TRUE(saved.open(QIODevice::ReadOnly));
    const QByteArray before = saved.readAll();
    saved.close();
    rec.started.clear();

    Context ctx(profile);
    RunState state(statePath());
    QString error;
    ASSERT_TRUE(state.load(&error));
    // A dry run whose step would find what an earlier run made (and would record it, were it real).
    plan[0].inspect = [](Context& c, StepDone done) {
        EXPECT_TRUE(c.ownership.isCreated(kThing, QStringLiteral("a-123"))) << "a dry run knows what this setup owns";
        recordCreated(c, kThing, QStringLiteral("would-be-recorded"), QStringLiteral("a"), QStringLiteral("a"));
        done(StepResult::done(Outcome::Adopted, QStringLiteral("a exists")));
    };
    Runner runner(plan, ctx, &state);
    bool ok = false;
    ASSERT_TRUE(run(runner, Runner::Mode::DryRun, &ok));
    EXPECT_TRUE(ok);
    EXPECT_TRUE(rec.started.isEmpty());
    EXPECT_EQ(runner.result(QStringLiteral("b")).outcome, Outcome::WouldCreate);
    ASSERT_TRUE(saved.open(QIODevice::ReadOnly));
    EXPECT_EQ(saved.readAll(), before) << "a dry run saves nothing";
}

// The object a step is responsible for can be another one on a later run (the profile now names
// an existing app): what the first run made stays this setup's and is what clean-up removes;
// what the later run found is only used, and never removed.
TEST_F(RunnerTest, AStepThatFindsADifferentObjectOnALaterRunCleansUpOnlyWhatItCreated) {
    {
        Context ctx(profile);
        RunState state(statePath());
        Runner first({rec.step(QStringLiteral("app"), {})}, ctx, &state);
        bool ok = false;
        ASSERT_TRUE(run(first, Runner::Mode::Apply, &ok));
        ASSERT_TRUE(ok);
    }
    Step found = rec.step(QStringLiteral("app"), {});
    found.apply = [](Context& ctx, StepDone done) {
        recordAdopted(ctx, kThing, QStringLiteral("someone-elses"), QStringLiteral("app"), QStringLiteral("Contoso Prod"));
        done(StepResult::done(Outcome::Adopted, QStringLiteral("uses Contoso Prod"), {{QStringLiteral("app_id"), QStringLiteral("someone-elses")}}));
    };
    Context ctx(profile);
    RunState state(statePath());
    QString error;
    ASSERT_TRUE(state.load(&error));
    state.steps[QStringLiteral("app")].status = QStringLiteral("previous");  // a new run, not a resume
    Runner second({found}, ctx, &state);
    bool ok = false;
    ASSERT_TRUE(run(second, Runner::Mode::Apply, &ok));
    ASSERT_TRUE(ok);
    EXPECT_EQ(ctx.output(QStringLiteral("app_id")), QStringLiteral("someone-elses"));

    const QList<CleanupPlanLine> planned = cleanupPlan(state.ownership);
    ASSERT_EQ(planned.size(), 2);
    EXPECT_TRUE(planned.at(0).remove);
    EXPECT_EQ(planned.at(0).object.id, QStringLiteral("app-123"));
    EXPECT_FALSE(planned.at(1).remove);
    EXPECT_EQ(planned.at(1).object.id, QStringLiteral("someone-elses"));

    Context fresh(profile);
    RunState loaded(statePath());
    ASSERT_TRUE(loaded.load(&error));
    Runner cleaner({rec.step(QStringLiteral("app"), {})}, fresh, &loaded);
    ASSERT_TRUE(run(cleaner, Runner::Mode::Cleanup, &ok));
    EXPECT_TRUE(ok);
    EXPECT_EQ(rec.removedIds, QStringList{QStringLiteral("app-123")});
    EXPECT_FALSE(QFile::exists(statePath()));
}

// A state belongs to one target: a sandbox replay and a real run of one profile, or runs against
// two tenants, get their own files, and a file is never written through a symbolic link.
TEST_F(RunnerTest, StateFilesBelongToOneTargetAndAreNeverWrittenThroughALink) {
    RunState::Target sandbox;
    sandbox.sandbox = true;
    RunState::Target real;
    real.tenant = QStringLiteral("contoso.onmicrosoft.com");
    real.login = QStringLiteral("https://login.microsoftonline.com");
    real.graph = QStringLiteral("https://graph.microsoft.com");
    real.konnect = QStringLiteral("https://eu.api.konghq.com");
    RunState::Target other = real;
    other.tenant = QStringLiteral("fabrikam.onmicrosoft.com");
    EXPECT_NE(RunState::defaultPath(QStringLiteral("p"), sandbox), RunState::defaultPath(QStringLiteral("p"), real));
    EXPECT_NE(RunState::defaultPath(QStringLiteral("p"), real), RunState::defaultPath(QStringLiteral("p"), other));
    EXPECT_FALSE(real.sameAs(sandbox));
    EXPECT_FALSE(real.sameAs(other));
    RunState::Target samePlace = real;
    samePlace.graph = QStringLiteral("https://graph.microsoft.com/");
    EXPECT_TRUE(real.sameAs(samePlace));

    RunState saved(statePath());
    saved.target = real;
    QString error;
    ASSERT_TRUE(saved.save(&error)) << error.toStdString();
    RunState loaded(statePath());
    ASSERT_TRUE(loaded.load(&error));
    EXPECT_TRUE(loaded.target.sameAs(real));

    const QString elsewhere = dir.filePath(QStringLiteral("elsewhere.json"));
    const QString link = dir.filePath(QStringLiteral("link.json"));
    ASSERT_TRUE(QFile::link(elsewhere, link));
    RunState linked(link);
    EXPECT_FALSE(linked.save(&error));
    EXPECT_TRUE(error.contains(QStringLiteral("symbolic link"))) << error.toStdString();
    EXPECT_FALSE(QFile::exists(elsewhere));
}

}  // namespace
