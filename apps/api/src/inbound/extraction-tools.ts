import { parseCcda } from "@conduit/datamodels";
import { readXdm } from "@conduit/direct-transport";
import { ExtractionError, type ExtractionTools } from "./extract-items.js";

/** The real C-CDA parser and XDM reader, behind the small interface extraction uses. */
export const extractionTools: ExtractionTools = {
  parseCcda(xml) {
    const { payload, warnings } = parseCcda(xml);
    return { payload: payload as unknown as Record<string, unknown>, warnings };
  },
  async readXdm(zip) {
    let result;
    try {
      result = await readXdm(zip);
    } catch (error) {
      throw new ExtractionError(`XDM package refused: ${(error as Error).message}`);
    }
    const documents = result.submissionSets.flatMap((set) =>
      set.documents.map((document) => ({
        name: document.path,
        mimeType: document.mimeType,
        content: document.content,
        metadata: document.metadata as unknown as Record<string, unknown> | undefined,
      })),
    );
    return { documents, warnings: result.warnings };
  },
};
