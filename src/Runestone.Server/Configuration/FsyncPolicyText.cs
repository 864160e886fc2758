namespace Runestone.Server.Configuration;

/// <summary>The YAML spellings of <see cref="FsyncPolicy"/>: always, interval, never.</summary>
public static class FsyncPolicyText
{
    public static bool TryParse(string text, out FsyncPolicy policy)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "always": policy = FsyncPolicy.Always; return true;
            case "interval": policy = FsyncPolicy.Interval; return true;
            case "never": policy = FsyncPolicy.Never; return true;
            default: policy = FsyncPolicy.Always; return false;
        }
    }

    public static string Format(FsyncPolicy policy) => policy switch
    {
        FsyncPolicy.Interval => "interval",
        FsyncPolicy.Never => "never",
        _ => "always",
    };
}
