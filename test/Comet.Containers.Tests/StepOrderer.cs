using Xunit.Abstractions;
using Xunit.Sdk;

namespace Comet.Containers.Tests;

/// <summary>Runs a class's tests in the order they are written: the compose tests are the steps of one
/// story (up, traffic, a killed gateway, down), and the last one takes the cluster down.</summary>
public sealed class StepOrderer : ITestCaseOrderer
{
    public const string TypeName = "Comet.Containers.Tests.StepOrderer";
    public const string AssemblyName = "Comet.Containers.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases.OrderBy(test => test.TestMethod.Method.ToRuntimeMethod().MetadataToken);
}
