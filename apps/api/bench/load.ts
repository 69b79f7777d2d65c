/**
 * The HTTP load generator, run as a child process of bench/run.ts so that autocannon's own work does not share the
 * event loop of the server it measures. Argument: autocannon options as JSON. Prints autocannon's result as JSON.
 */
import autocannon from "autocannon";

const options = JSON.parse(process.argv[2] ?? "{}") as autocannon.Options;
const result = await autocannon(options);
process.stdout.write(JSON.stringify(result));
