import Foundation
import Testing

/// `recorl report` through the built executable: a page written for a tiny run directory, and bad
/// input as one line naming the file, line and field with a non-zero exit.
@Suite struct ReportCommandTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("recorl-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func file(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: directory.appendingPathComponent(name))
    }

    @Test func writesThePageAndNamesAMalformedRow() throws {
        try file("episodes.csv", "episode,step,return,length\n0,10,1.5,10\n1,20,2.5,10\n")
        try file("evaluations.csv", "step,mean_return,std_return,ci95_half_width,evaluation_episodes,mean_max_q\n20,2.0,0.5,0.1,12,\n")
        let out = directory.appendingPathComponent("report.html").path
        let written = try RecorlCommandTests().run(["report", "--run", directory.path, "--out", out])
        #expect(written.status == 0, "\(written.error)")
        #expect(written.output.contains("wrote \(out): 2 episodes, 1 evaluations"))
        let page = try String(contentsOfFile: out, encoding: .utf8)
        #expect(page.contains("<svg") && page.contains("scores are not Q values"))

        try file("episodes.csv", "episode,step,return,length\n0,10,1.5,10\n1,20,,10\n")
        let failed = try RecorlCommandTests().run(["report", "--run", directory.path, "--out", out])
        #expect(failed.status != 0)
        #expect(failed.firstErrorLine.contains("\(directory.path)/episodes.csv line 3, field return: empty; expected a finite number"),
                "\(failed.error)")
        #expect(failed.error.split(separator: "\n").count == 1)

        let noRun = try RecorlCommandTests().run(["report", "--run", "", "--out", out])
        #expect(noRun.status != 0 && noRun.firstErrorLine.contains("--run: \"\" is not valid; expected a path"))
    }
}
