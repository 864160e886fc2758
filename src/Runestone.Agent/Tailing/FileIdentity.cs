using System.Runtime.InteropServices;

namespace Runestone.Agent.Tailing;

/// <summary>
/// The identity of the file behind a path (device and inode on Linux), so a rename-and-create
/// rotation is seen as a new file even when the path is unchanged.
/// </summary>
public static partial class FileIdentity
{
    private static bool s_nativeFailed;

    /// <summary>Returns an identity, or null when the path does not exist.</summary>
    public static string? Get(string path)
    {
        if (!s_nativeFailed && OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64)
        {
            try
            {
                var buffer = new byte[256];
                if (Stat(path, buffer) != 0)
                {
                    return File.Exists(path) ? Fallback(path) : null;
                }

                // struct stat on x86_64 and aarch64 glibc starts with st_dev (8 bytes) then st_ino (8 bytes).
                var dev = BitConverter.ToUInt64(buffer, 0);
                var ino = BitConverter.ToUInt64(buffer, 8);
                return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{dev}:{ino}");
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                s_nativeFailed = true;
            }
        }

        return File.Exists(path) ? Fallback(path) : null;
    }

    private static string Fallback(string path) =>
        File.GetCreationTimeUtc(path).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, [Out] byte[] buffer);
}
