// File: upload one or more files, or offer files the app returned for download.

import { FileBase } from "./filebase.js";

export class File_ extends FileBase {
  static tag = "mountui-file";
}
