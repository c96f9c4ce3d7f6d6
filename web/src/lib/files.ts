// Files the API sends base64-encoded with their content type (receipts, report exports).

export interface EncodedFile {
  content_type: string;
  base64: string;
  filename?: string;
}

export function fileBlob(file: EncodedFile): Blob {
  const binary = atob(file.base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return new Blob([bytes], { type: file.content_type });
}

export function downloadFile(file: EncodedFile, fallbackName: string): void {
  const url = URL.createObjectURL(fileBlob(file));
  const link = document.createElement("a");
  link.href = url;
  link.download = file.filename ?? fallbackName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Opens a PDF in a hidden frame and asks the browser to print it. */
export function printPdf(file: EncodedFile): void {
  const url = URL.createObjectURL(fileBlob(file));
  const frame = document.createElement("iframe");
  frame.style.display = "none";
  frame.src = url;
  frame.onload = () => {
    try {
      frame.contentWindow?.print();
    } catch {
      window.open(url, "_blank");
    }
  };
  document.body.appendChild(frame);
  setTimeout(() => {
    frame.remove();
    URL.revokeObjectURL(url);
  }, 60_000);
}
